# БИФИТ Касса: goods CSV (bifit-csv), goods JSON (bifit-json), online orders (bifit-orders) and the orders table (orders-csv).

## Reading
bifit-expected-code-column = a product code in EXTERNAL_CODE (or EXTERNAL_ID or ID)
bifit-no-name-column = no NAME column in the header row: not a БИФИТ goods file
bifit-group-ambiguous = GROUP { $group } names more than one folder; the product is linked to a folder of its own
bifit-expected-json-object = a JSON object
bifit-expected-item-code = the item's code in externalCode, externalId or id
bifit-expected-string-array = an array of strings
bifit-expected-object-array = an array of objects
bifit-expected-item-quantity = the quantity of item { $item } (quantity or count)
bifit-empty-object = an empty object
bifit-object-with-only = an object with only { $keys }
bifit-not-an-order = { $what } is not an order: expected at least one of id, externalId, currentStatusType, orderTime, totalAmount …
bifit-unknown-status = order { $number }: status { $status } is not one Bifit documents; kept as text

## Writing
bifit-subject-folder = folder { $code }
bifit-subject-product = product { $code }
bifit-folder-name-twice = two folders are named { $name }: products' GROUP cannot tell them apart (use --bifit-group-ref code or path)
bifit-folder-fields-dropped = folder { $code }: { $format } has no column for { $fields }; not written
bifit-folder-cannot-hold = folder { $code }: { $format } cannot hold fields { $fields }; not written
bifit-folder-link-dropped = { $subject }: its folder { $folder } is not written (--bifit-groups none: the per-item API cannot create folders on the free tariff)
bifit-product-cannot-hold = product { $code }: { $format } cannot hold { $lost }; not written
bifit-lost-price-types = price types { $types }
bifit-lost-barcodes = barcodes { $barcodes } (one BARCODE column)
bifit-lost-folder = its folder { $folder } (--bifit-groups none)
bifit-lost-comment = the comment
bifit-lost-fields = fields { $fields }
bifit-lost-vat = VAT { $vat } (no documented vatValue)
bifit-action-hold-catalog-or-receipts = hold catalog or receipt records
bifit-bad-utc-offset = --utc-offset { $offset }: expected e.g. +03:00
bifit-csv-write-failed = cannot write CSV: { $error }
