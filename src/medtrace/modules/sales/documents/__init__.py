"""The documents of a shipment: the delivery note and the certificates of conformity (PDF, in
Chinese or English), and the GS1-128 logistics labels of packages (SSCC)."""
