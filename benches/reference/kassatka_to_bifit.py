#!/usr/bin/env python3
"""A reference for the benchmark: Кассатка nomenclature XML (the API layout) to a БИФИТ Касса
goods CSV, the way a careful person would write it in Python with the standard library alone.

    python3 kassatka_to_bifit.py INPUT.xml > goods.csv

It streams: `xml.etree.ElementTree.iterparse`, each `Product` cleared (and dropped from its
parent) as soon as it is handled, so memory holds the folder table and one product. Prices are
`decimal.Decimal`, written with the scale they were read with. The output is what
`kassa-bridge convert INPUT.xml -t bifit-csv` writes for the same input (the benchmark's
generated catalogues): the 28-column header, a folder row per group (`GROUPED` = 1, `GROUP` =
the parent's name), a row per product (the `Розничная` price, the first barcode, `GROUP` = the
folder's name, `PAYMENT_SUBJECT` 1, `MARK_TYPE` 0, `GOOD_TYPE` DEFAULT), `;`-separated, CRLF,
Windows-1251 (a character it lacks becomes `?`). Consecutive `Product` rows with one `Code`
(the API layout repeats a product per price type) are one product.
"""

import csv
import io
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal

COLUMNS = [
    "ID", "EXTERNAL_CODE", "EXTERNAL_ID", "NAME", "FEATURES", "PRICE", "BARCODE", "VENDOR_CODE",
    "NDS", "PAYMENT_SUBJECT", "GROUP", "UNIT_CODE", "PURCHASE_PRICE", "WEIGHTED", "ALCOHOL", "GTIN",
    "MARK_TYPE", "GROUPED", "CONTAINER", "MODIFIERS", "INGREDIENTS", "GOOD_TYPE", "CONTRACTOR_INN",
    "CONTRACTOR_ACTIVITY_TYPE", "COUNTY_CODE", "CUSTOM_DECLARATION", "PLU_CODE", "ORG_MEMBER_POINTS",
]
RETAIL = "Розничная"
NO_PARENT = ("", "none")


def price_text(raw):
    """The amount as read, checked and with its scale kept (`1290.50` stays `1290.50`)."""
    raw = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return str(Decimal(raw)) if raw else ""


class Converter:
    def __init__(self, out):
        self.out = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        self.out.writerow(COLUMNS)
        self.folders = {}  # code -> name
        self.product = None  # [code, name, barcode, parent, unit, retail price or None, first price]

    def folder_ref(self, code):
        return self.folders.get(code, code)

    def group(self, attrs):
        self.flush()  # a product never spans groups
        code = attrs.get("Code", "").strip()
        if not code or code in NO_PARENT or code in self.folders:
            return
        name = attrs.get("Name", "")
        self.folders[code] = name
        row = [""] * 28
        row[1] = code
        row[3] = name
        parent = attrs.get("ParentCode", "").strip()
        if parent not in NO_PARENT:
            row[10] = self.folder_ref(parent)
        row[17] = "1"
        self.out.writerow(row)

    def product_row(self, attrs):
        code = attrs.get("Code", "").strip()
        price = price_text(attrs.get("Price", ""))
        retail = attrs.get("PriceType", "") == RETAIL
        p = self.product
        if p is not None and p[0] == code:
            if not p[2]:
                p[2] = attrs.get("Barcode", "").strip()
            if retail and p[5] is None:
                p[5] = price
            return
        self.flush()
        self.product = [
            code,
            attrs.get("Name", ""),
            attrs.get("Barcode", "").strip(),
            attrs.get("ParentCode", "").strip(),
            attrs.get("UnitCode", "").strip(),
            price if retail else None,
            price,
        ]

    def flush(self):
        p = self.product
        if p is None:
            return
        self.product = None
        row = [""] * 28
        row[1] = p[0]
        row[3] = p[1]
        row[5] = p[5] if p[5] is not None else p[6]
        row[6] = p[2]
        row[9] = "1"
        if p[3] not in NO_PARENT:
            row[10] = self.folder_ref(p[3])
        row[11] = p[4]
        row[16] = "0"
        row[21] = "DEFAULT"
        self.out.writerow(row)


def main(path):
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="cp1251", errors="replace", newline="", write_through=False)
    conv = Converter(out)
    parents = []  # the open elements, to drop each product from its parent once handled
    for event, elem in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            if elem.tag == "ProductGroup":
                conv.group(elem.attrib)
            parents.append(elem)
            continue
        parents.pop()
        if elem.tag == "Product":
            conv.product_row(elem.attrib)
            elem.clear()
            if parents:
                parents[-1].remove(elem)
        elif elem.tag == "ProductGroup":
            conv.flush()
            elem.clear()
            if parents:
                parents[-1].remove(elem)
    conv.flush()
    out.flush()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: kassatka_to_bifit.py INPUT.xml > goods.csv")
    main(sys.argv[1])
