"""GS1 EPC URIs and Digital Link URIs both ways (every company-prefix partition), MedTrace's
own URNs, CBV values, EPCIS times and units."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medtrace.modules.traceability.epcis import rules as ids

GTIN = "10614141073464"  # urn:epc:id:sgtin:0614141.107346.*
SSCC = "106141412345678908"  # urn:epc:id:sscc:0614141.1234567890
CS82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def test_the_partition_table_covers_company_prefixes_of_6_to_12_digits():
    assert ids.PARTITIONS == {12: 0, 11: 1, 10: 2, 9: 3, 8: 4, 7: 5, 6: 6}


@pytest.mark.parametrize("length", range(6, 13))
def test_sgtin_lgtin_and_sscc_urns_round_trip_for_every_partition(length):
    sgtin = ids.sgtin_urn(GTIN, "2017", length)
    company, ref, serial = sgtin.removeprefix("urn:epc:id:sgtin:").split(".")
    assert len(company) == length and len(company) + len(ref) == 13 and serial == "2017"
    assert ids.parse_id(sgtin) == ids.EpcId("unit", gtin=GTIN, serial="2017")
    assert ids.parse_id(ids.lgtin_urn(GTIN, "L1", length)) == ids.EpcId("lot", gtin=GTIN,
                                                                        lot="L1")
    sscc = ids.sscc_urn(SSCC, length)
    company, ref = sscc.removeprefix("urn:epc:id:sscc:").split(".")
    assert len(company) == length and len(company) + len(ref) == 17
    assert ids.parse_id(sscc) == ids.EpcId("container", sscc=SSCC)


def test_the_standards_own_examples():
    assert ids.sgtin_urn(GTIN, "2017", 7) == "urn:epc:id:sgtin:0614141.107346.2017"
    assert ids.sscc_urn(SSCC, 7) == "urn:epc:id:sscc:0614141.1234567890"
    assert ids.parse_id("urn:epc:class:lgtin:4012345.012345.998877") == ids.EpcId(
        "lot", gtin="04012345123456", lot="998877")
    assert ids.parse_id("urn:epc:idpat:sgtin:4012345.098765.*") == ids.EpcId(
        "class", gtin="04012345987652")
    assert ids.gln_from_pgln("urn:epc:id:pgln:4012345.00225") == "4012345002256"
    assert ids.pgln_urn("4012345002256", 7) == "urn:epc:id:pgln:4012345.00225"


@pytest.mark.parametrize("uri", [
    "urn:epc:id:sgtin:12345.1234567.1",  # company prefix of 5 digits
    "urn:epc:id:sgtin:0614141.10734.2017",  # 12 digits in all
    "urn:epc:id:sgtin:0614141.107346.",  # no serial
    "urn:epc:id:sscc:0614141.123456789",  # 16 digits
    "urn:epc:id:giai:4000001.111",  # not a thing MedTrace traces
    "https://id.gs1.org/01/10614141073465/21/1",  # check digit
    "https://id.gs1.org/01/10614141073464/21/1/10/L",  # qualifiers out of order
    "https://id.gs1.org/00/106141412345678907",  # check digit
    "WH-1",
])
def test_malformed_or_foreign_identifiers_are_not_read(uri):
    assert ids.parse_id(uri) is None


def test_digital_link_and_urn_spellings_meet_in_one_canonical_form():
    dl = "https://id.gs1.org/01/10614141073464/21/2017"
    assert ids.canonical("urn:epc:id:sgtin:0614141.107346.2017") == dl
    assert ids.canonical("https://brand.example.com/p/01/10614141073464/21/2017?17=261231") == dl
    assert ids.canonical("https://id.gs1.org/01/10614141073464/10/L1/21/2017") == dl
    assert ids.canonical("urn:epc:id:sscc:0614141.1234567890") == ids.sscc_dl(SSCC)
    assert ids.canonical("https://id.gs1.org/01/614141073467") == \
        "https://id.gs1.org/01/00614141073467"  # a GTIN-12 in the path, padded
    assert ids.canonical("urn:epc:id:sgln:0614141.00777.0") == \
        "urn:epc:id:sgln:0614141.00777.0"


@given(st.text(alphabet=CS82, min_size=1, max_size=20))
def test_every_gs1_serial_survives_both_spellings(serial):
    urn = ids.sgtin_urn(GTIN, serial, 7)
    assert ids.parse_id(urn) == ids.EpcId("unit", gtin=GTIN, serial=serial)
    assert ids.parse_id(ids.sgtin_dl(GTIN, serial)).serial == serial
    assert ids.parse_id(ids.lgtin_dl(GTIN, serial)).lot == serial
    assert ids.is_uri(urn) and ids.is_uri(ids.sgtin_dl(GTIN, serial))


def test_urn_escapes_only_the_seven_characters_tds_names():
    assert ids.urn_escape('A/B%C&D"E<F>G?H') == "A%2FB%25C%26D%22E%3CF%3EG%3FH"
    assert ids.urn_escape("A-B.C_D") == "A-B.C_D"


def test_medtrace_urns_for_what_has_no_gs1_key():
    assert ids.parse_id(ids.unit_urn("PUMP/2", "SN 1")) == ids.EpcId(
        "unit", serial="SN 1", item_code="PUMP/2")
    assert ids.parse_id(ids.lot_urn("PCB", "P-1")) == ids.EpcId("lot", lot="P-1",
                                                                 item_code="PCB")
    assert ids.as_uri("WH1-QUARANTINE", "location") == "urn:medtrace:location:WH1-QUARANTINE"
    assert ids.as_uri("urn:epc:id:sgln:0614141.00777.0", "location") == \
        "urn:epc:id:sgln:0614141.00777.0"
    assert ids.from_uri(ids.as_uri("仓库 1", "location"), "location") == "仓库 1"
    assert ids.partner_code(ids.partner_urn("HSP-1")) == "HSP-1"
    assert ids.partner_code("urn:epc:id:pgln:4012345.00225") is None


def test_cbv_values_are_bare_and_others_are_uris():
    assert ids.vocab_out("receiving", "bizStep") == "receiving"
    assert ids.vocab_out("urn:medtrace:bizstep:releasing", "bizStep") == \
        "urn:medtrace:bizstep:releasing"
    assert ids.vocab_out("accepted on deviation", "disposition") == \
        "urn:medtrace:disposition:accepted%20on%20deviation"
    assert ids.vocab_in("https://ref.gs1.org/cbv/BizStep-receiving", "bizStep") == "receiving"
    assert ids.vocab_in("urn:epcglobal:cbv:disp:in_transit", "disposition") == "in_transit"
    assert ids.vocab_in("https://ref.gs1.org/cbv/BTT-po", "bizTransactionType") == "po"
    assert ids.vocab_in("urn:medtrace:disposition:accepted%20on%20deviation",
                        "disposition") == "accepted on deviation"


def test_times_keep_their_offset_and_precision():
    moment = ids.parse_time("2005-04-03T20:33:31.116000-06:00")
    assert ids.format_time(moment, "-06:00") == "2005-04-03T20:33:31.116-06:00"
    assert ids.format_time(moment) == "2005-04-04T02:33:31.116Z"
    assert ids.parse_time("2005-07-11T11:30:47.0Z") == dt.datetime(2005, 7, 11, 11, 30, 47,
                                                                  tzinfo=dt.UTC)
    assert ids.parse_time("2013-06-08T14:58:56.591234567+02:00").microsecond == 591234
    with pytest.raises(ValueError):
        ids.parse_time("2013-06-08T14:58:56")


def test_units_of_measure():
    assert ids.uom_out("KG") == "KGM" and ids.uom_in("KGM") == "KG"
    assert ids.uom_out("EA") is None and ids.uom_out(None) is None
    assert ids.uom_out("BX") == "BX" and ids.uom_out("pallet") is None
