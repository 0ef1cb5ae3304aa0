"""EPCIS identifiers, pure (no database): GS1 EPC URIs (TDS 2.x pure-identity URNs) and GS1
Digital Link URIs for serialized GTINs, lots and SSCCs, both ways; MedTrace's own URNs for what
GS1 keys cannot name; CBV 2.0 vocabulary values; EPCIS times and units of measure.

The company prefix of a GTIN or SSCC cannot be read from the number itself: an EPC URN spells
it out (``CompanyPrefix.Rest``), and the EPC binary encodings carry its length as a
*partition* value (:data:`PARTITIONS`). Converting a URN to a GTIN or SSCC needs nothing else;
converting back needs the company prefix length (6 to 12 digits).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from medtrace.modules.catalog import gs1_check_digit, normalize_gtin

DL_BASE = "https://id.gs1.org"
CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
MEDTRACE = "urn:medtrace:"
#: the JSON-LD namespace of MedTrace's extension fields ("medtrace:step", "medtrace:details")
MEDTRACE_NS = "urn:medtrace:ns:"

#: company prefix length -> partition value (TDS: SGTIN, SSCC, SGLN, LGTIN, PGLN...)
PARTITIONS = {12: 0, 11: 1, 10: 2, 9: 3, 8: 4, 7: 5, 6: 6}

# --- CBV 2.0 standard values (bare, as EPCIS 2.0 JSON writes them) ---------------------------
BIZ_STEPS = frozenset((
    "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
    "creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying",
    "disassembling", "dispensing", "encoding", "entering_exiting", "holding", "inspecting",
    "installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing",
    "repackaging", "repairing", "replacing", "reserving", "retail_selling", "shipping",
    "staging_outbound", "stock_taking", "stocking", "storing", "transporting", "unloading",
    "unpacking", "void_shipping", "sensor_reporting", "sampling"))
DISPOSITIONS = frozenset((
    "active", "container_closed", "damaged", "destroyed", "dispensed", "disposed", "encoded",
    "expired", "in_progress", "in_transit", "inactive", "no_pedigree_match",
    "non_sellable_other", "partially_dispensed", "recalled", "reserved", "retail_sold",
    "returned", "sellable_accessible", "sellable_not_accessible", "stolen", "unknown",
    "available", "completeness_verified", "completeness_inferred", "conformant",
    "container_open", "mismatch_instance", "mismatch_class", "mismatch_quantity",
    "needs_replacement", "non_conformant", "unavailable"))
BIZ_TRANSACTION_TYPES = frozenset((
    "bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma",
    "testprd", "testres", "upevt"))
SOURCE_DEST_TYPES = frozenset(("owning_party", "possessing_party", "location"))
# vocabulary -> (bare values, CBV web URI prefix, legacy URN prefix, MedTrace URN kind)
VOCABULARIES = {
    "bizStep": (BIZ_STEPS, "https://ref.gs1.org/cbv/BizStep-", "urn:epcglobal:cbv:bizstep:",
                "bizstep"),
    "disposition": (DISPOSITIONS, "https://ref.gs1.org/cbv/Disp-", "urn:epcglobal:cbv:disp:",
                    "disposition"),
    "bizTransactionType": (BIZ_TRANSACTION_TYPES, "https://ref.gs1.org/cbv/BTT-",
                           "urn:epcglobal:cbv:btt:", "btt"),
    "sourceDestType": (SOURCE_DEST_TYPES, "https://ref.gs1.org/cbv/SDT-",
                       "urn:epcglobal:cbv:sdt:", "sdt"),
}

# --- URIs ---------------------------------------------------------------------------------------
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:"
                  r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")


def is_uri(value: str) -> bool:
    """An absolute URI in the RFC 3986 syntax (what the EPCIS schema's ``uri`` format wants)."""
    return bool(_URI.fullmatch(value or ""))


def as_uri(value: str, kind: str) -> str:
    """``value`` when it is a URI, else MedTrace's URN ``urn:medtrace:{kind}:{value}`` (with the
    value percent-encoded), so that plain codes such as a location ``WH1-QUARANTINE`` or a
    document number become valid EPCIS URIs."""
    return value if is_uri(value) else f"{MEDTRACE}{kind}:{quote(value, safe='')}"


def from_uri(value: str, kind: str) -> str:
    """The inverse of :func:`as_uri`: the plain code of a MedTrace URN of ``kind``."""
    prefix = f"{MEDTRACE}{kind}:"
    return unquote(value[len(prefix):]) if value.startswith(prefix) else value


def vocab_out(value: str | None, vocabulary: str) -> str | None:
    """A vocabulary value as EPCIS 2.0 JSON writes it: the bare CBV value, or a URI."""
    if not value:
        return None
    bare, _web, _urn, kind = VOCABULARIES[vocabulary]
    return value if value in bare else as_uri(value, kind)


def vocab_in(value: str | None, vocabulary: str) -> str | None:
    """A captured vocabulary value in its bare CBV form when it is one (``receiving`` for
    ``https://ref.gs1.org/cbv/BizStep-receiving`` too), else as given (MedTrace's own URNs
    unwrapped)."""
    if not value:
        return None
    bare, web, urn, kind = VOCABULARIES[vocabulary]
    for prefix in (web, urn):
        if value.startswith(prefix) and value[len(prefix):] in bare:
            return value[len(prefix):]
    return from_uri(value, kind)


# --- GS1 keys -----------------------------------------------------------------------------------
_URN_ESCAPES = {'"': "%22", "%": "%25", "&": "%26", "/": "%2F", "<": "%3C", ">": "%3E",
                "?": "%3F"}


def urn_escape(value: str) -> str:
    """A serial or lot number in an EPC URN (TDS: these seven characters are %-escaped)."""
    return "".join(_URN_ESCAPES.get(c, c) for c in value)


def dl_escape(value: str) -> str:
    """A serial or lot number in a GS1 Digital Link path segment."""
    return quote(value, safe="")


def sgtin_dl(gtin: str, serial: str) -> str:
    return f"{DL_BASE}/01/{gtin}/21/{dl_escape(serial)}"


def lgtin_dl(gtin: str, lot: str) -> str:
    return f"{DL_BASE}/01/{gtin}/10/{dl_escape(lot)}"


def gtin_dl(gtin: str) -> str:
    return f"{DL_BASE}/01/{gtin}"


def sscc_dl(sscc: str) -> str:
    return f"{DL_BASE}/00/{sscc}"


def _check_prefix_length(length: int) -> None:
    if length not in PARTITIONS:
        raise ValueError(f"a GS1 company prefix has 6 to 12 digits, not {length}")


def sgtin_urn(gtin: str, serial: str, company_prefix_length: int) -> str:
    """``urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial`` of a GTIN-14."""
    _check_prefix_length(company_prefix_length)
    cp, ref = gtin[1:1 + company_prefix_length], gtin[0] + gtin[1 + company_prefix_length:13]
    return f"urn:epc:id:sgtin:{cp}.{ref}.{urn_escape(serial)}"


def lgtin_urn(gtin: str, lot: str, company_prefix_length: int) -> str:
    """``urn:epc:class:lgtin:CompanyPrefix.IndicatorItemRef.Lot`` of a GTIN-14."""
    _check_prefix_length(company_prefix_length)
    cp, ref = gtin[1:1 + company_prefix_length], gtin[0] + gtin[1 + company_prefix_length:13]
    return f"urn:epc:class:lgtin:{cp}.{ref}.{urn_escape(lot)}"


def sscc_urn(sscc: str, company_prefix_length: int) -> str:
    """``urn:epc:id:sscc:CompanyPrefix.SerialReference`` of an 18-digit SSCC."""
    _check_prefix_length(company_prefix_length)
    cp = sscc[1:1 + company_prefix_length]
    return f"urn:epc:id:sscc:{cp}.{sscc[0]}{sscc[1 + company_prefix_length:17]}"


def _gtin_from(cp: str, ref: str) -> str | None:
    """GTIN-14 of an EPC's company prefix and indicator + item reference."""
    if not (cp.isdigit() and ref.isdigit() and cp.isascii() and ref.isascii()):
        return None
    if len(cp) not in PARTITIONS or len(cp) + len(ref) != 13:
        return None
    body = ref[0] + cp + ref[1:]
    return body + str(gs1_check_digit(body))


def _sscc_from(cp: str, ref: str) -> str | None:
    if not (cp.isdigit() and ref.isdigit() and cp.isascii() and ref.isascii()):
        return None
    if len(cp) not in PARTITIONS or len(cp) + len(ref) != 17:
        return None
    body = ref[0] + cp + ref[1:]
    return body + str(gs1_check_digit(body))


def gln_from_pgln(uri: str) -> str | None:
    """The GLN of ``urn:epc:id:pgln:CompanyPrefix.PartyRef``, or None."""
    if not uri.startswith("urn:epc:id:pgln:"):
        return None
    parts = uri[len("urn:epc:id:pgln:"):].split(".")
    if len(parts) != 2 or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    cp, ref = parts
    if len(cp) not in PARTITIONS or len(cp) + len(ref) != 12:
        return None
    return cp + ref + str(gs1_check_digit(cp + ref))


def pgln_urn(gln: str, company_prefix_length: int) -> str:
    _check_prefix_length(company_prefix_length)
    return f"urn:epc:id:pgln:{gln[:company_prefix_length]}.{gln[company_prefix_length:12]}"


@dataclass(frozen=True)
class EpcId:
    """What an EPCIS identifier names. ``kind``: ``unit`` (a serialized GTIN), ``lot`` (a
    GTIN's lot, a class), ``container`` (an SSCC), ``class`` (a GTIN without lot, or a pattern
    such as ``urn:epc:idpat:sgtin:...*``: a class of things MedTrace does not trace one by
    one). ``item_code`` instead of ``gtin`` for MedTrace's own URNs."""

    kind: str
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    sscc: str | None = None
    item_code: str | None = None

    @property
    def canonical(self) -> str | None:
        """The GS1 Digital Link URI (MedTrace URN without a GTIN); None for patterns."""
        if self.kind == "container" and self.sscc:
            return sscc_dl(self.sscc)
        if self.gtin:
            if self.kind == "unit":
                return sgtin_dl(self.gtin, self.serial or "")
            if self.kind == "lot":
                return lgtin_dl(self.gtin, self.lot or "")
            if self.kind == "class":
                return gtin_dl(self.gtin)
        if self.item_code and self.kind == "unit":
            return unit_urn(self.item_code, self.serial or "")
        if self.item_code and self.kind == "lot":
            return lot_urn(self.item_code, self.lot or "")
        return None


def unit_urn(item_code: str, serial: str) -> str:
    """A serial unit of an item without GTIN."""
    return f"{MEDTRACE}unit:{quote(item_code, safe='')}:{quote(serial, safe='')}"


def lot_urn(item_code: str, lot: str) -> str:
    """A lot (class) of an item without GTIN."""
    return f"{MEDTRACE}lot:{quote(item_code, safe='')}:{quote(lot, safe='')}"


def partner_urn(code: str) -> str:
    """A partner without GLN: ``urn:medtrace:partner:{code}``."""
    return f"{MEDTRACE}partner:{quote(code, safe='')}"


def partner_code(uri: str) -> str | None:
    """The partner code of :func:`partner_urn`, or None."""
    prefix = f"{MEDTRACE}partner:"
    if not uri.startswith(prefix):
        return None
    return unquote(uri[len(prefix):]) or None


def parse_id(uri: str) -> EpcId | None:
    """What ``uri`` identifies (see :class:`EpcId`), or None when it is not a GS1 SGTIN,
    LGTIN, GTIN or SSCC (EPC URN or Digital Link) nor a MedTrace unit or lot URN."""
    value = (uri or "").strip()
    if value.startswith("urn:epc:"):
        return _parse_urn(value)
    if value.startswith(MEDTRACE):
        return _parse_medtrace(value)
    if value.lower().startswith(("https://", "http://")):
        return _parse_digital_link(value)
    return None


_URN_SCHEMES = ("urn:epc:id:sgtin", "urn:epc:class:lgtin", "urn:epc:idpat:sgtin",
                "urn:epc:id:sscc")


def _parse_urn(value: str) -> EpcId | None:
    scheme = next((s for s in _URN_SCHEMES if value.startswith(s + ":")), None)
    if scheme is None:
        return None
    parts = value[len(scheme) + 1:].split(".", 2)
    if scheme == "urn:epc:id:sgtin" and len(parts) == 3 and parts[2]:
        gtin = _gtin_from(parts[0], parts[1])
        return EpcId("unit", gtin=gtin, serial=unquote(parts[2])) if gtin else None
    if scheme == "urn:epc:class:lgtin" and len(parts) == 3 and parts[2]:
        gtin = _gtin_from(parts[0], parts[1])
        return EpcId("lot", gtin=gtin, lot=unquote(parts[2])) if gtin else None
    if scheme == "urn:epc:idpat:sgtin" and len(parts) == 3 and parts[2] == "*":
        gtin = _gtin_from(parts[0], parts[1])
        return EpcId("class", gtin=gtin) if gtin else None
    if scheme == "urn:epc:id:sscc" and len(parts) == 2:
        sscc = _sscc_from(parts[0], parts[1])
        return EpcId("container", sscc=sscc) if sscc else None
    return None


def _parse_medtrace(value: str) -> EpcId | None:
    parts = value[len(MEDTRACE):].split(":")
    if len(parts) == 3 and parts[0] in ("unit", "lot") and parts[1] and parts[2]:
        item, number = unquote(parts[1]), unquote(parts[2])
        if parts[0] == "unit":
            return EpcId("unit", serial=number, item_code=item)
        return EpcId("lot", lot=number, item_code=item)
    return None


def _parse_digital_link(value: str) -> EpcId | None:
    """``https://{any host}/{optional path}/01/{gtin}[/22/{cpv}][/10/{lot}][/21/{serial}]`` or
    ``.../00/{sscc}``; the query string (data attributes) is ignored."""
    segments = [s for s in urlsplit(value).path.split("/") if s]
    for index in range(len(segments) - 1):
        key, raw = segments[index], unquote(segments[index + 1])
        if key == "00" and len(raw) == 18 and raw.isdigit() and raw.isascii():
            if gs1_check_digit(raw[:-1]) == int(raw[-1]) and index + 2 == len(segments):
                return EpcId("container", sscc=raw)
            return None
        if key == "01" and raw.isdigit():
            gtin = normalize_gtin(raw)
            if gtin is None:
                return None
            qualifiers = segments[index + 2:]
            if len(qualifiers) % 2:
                return None
            found = {qualifiers[i]: unquote(qualifiers[i + 1])
                     for i in range(0, len(qualifiers), 2)}
            order = list(qualifiers[::2])
            if (not set(order) <= {"22", "10", "21"} or len(set(order)) != len(order)
                    or order != sorted(order, key=["22", "10", "21"].index)):
                return None
            if found.get("21"):
                return EpcId("unit", gtin=gtin, serial=found["21"], lot=found.get("10"))
            if found.get("10"):
                return EpcId("lot", gtin=gtin, lot=found["10"])
            return EpcId("class", gtin=gtin)
    return None


def canonical(uri: str) -> str:
    """The Digital Link form of a GS1 key given as EPC URN or Digital Link (any host), else
    ``uri`` as it is: two spellings of one thing compare equal."""
    parsed = parse_id(uri)
    return (parsed.canonical if parsed else None) or uri


# --- times and units ------------------------------------------------------------------------------
_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_time(value: str) -> dt.datetime:
    """An RFC 3339 time with its zone (``Z`` or an offset; digits past microseconds are cut)."""
    moment = dt.datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time without time zone")
    return moment


def zone(offset: str) -> dt.timezone:
    """The fixed zone of an EPCIS ``eventTimeZoneOffset`` (``+08:00``, ``-06:00``)."""
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    return dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))


def format_time(moment: dt.datetime, offset: str | None = None) -> str:
    """RFC 3339 with milliseconds when the time has them (microseconds when it has those), in
    the event's own offset, or in UTC written with ``Z``."""
    local = moment.astimezone(zone(offset) if offset else dt.UTC)
    micro = local.microsecond
    spec = "seconds" if micro == 0 else "milliseconds" if micro % 1000 == 0 else "microseconds"
    text = local.isoformat(timespec=spec)
    return text[:-6] + "Z" if offset is None and text.endswith("+00:00") else text


#: MedTrace unit codes -> UN/ECE Recommendation 20 codes (EPCIS ``uom``)
UOM_TO_UNECE = {"KG": "KGM", "G": "GRM", "L": "LTR", "ML": "MLT", "M": "MTR"}
UNECE_TO_UOM = {v: k for k, v in UOM_TO_UNECE.items()}
#: units that count instances: EPCIS writes such quantities without ``uom``
COUNT_UOMS = frozenset(("EA", "PCS"))
_UOM = re.compile(r"[A-Z0-9]{2,3}")


def uom_out(uom: str | None) -> str | None:
    """The EPCIS ``uom`` of a MedTrace unit: None for counts and for codes that are no UN/ECE
    Rec. 20 code."""
    if not uom or uom in COUNT_UOMS:
        return None
    code = UOM_TO_UNECE.get(uom, uom)
    return code if _UOM.fullmatch(code) else None


def uom_in(uom: str | None) -> str | None:
    return UNECE_TO_UOM.get(uom, uom) if uom else None
