# Shared readers and helpers: fields, numbers, encodings, detection, limits, outputs, conversion.

## Values a field accepts (the `expected` of a bad value)
fmt-expected-number-not-empty = a number; the value is empty
fmt-expected-yes-no = Да or Нет
fmt-expected-decimal = a number such as 1990, 1990.00, 1 990,00 or -5 (decimal point or comma, spaces between thousands)
fmt-expected-decimal-range = a number of at most 28 digits, at most 28 of them after the decimal point (a longer one cannot be held exactly, and is never rounded)
fmt-expected-exact-decimal = a decimal as a string, e.g. "1990.00", of at most 28 digits, at most 28 after the point
fmt-expected-amount-string = an amount as a string ("12.50"): a JSON number with a fraction passes through floating point and may already have lost digits
fmt-expected-code = a code as text; this looks like a number a spreadsheet turned into scientific notation, which has lost digits: export the column as text
fmt-expected-vat = a VAT rate: `без НДС`/`none`, 0, 5, 7, 10, 20, 22 (with or without %), or 5/105, 7/107, 10/110, 20/120, 22/122

## Encodings
fmt-field-not-utf8 = byte { $byte } of the field is not UTF-8 after decoding
fmt-byte-not-valid = byte { $byte } of the file ({ $bytes }) is not valid { $encoding }; the file is in another encoding or damaged (try --input-encoding)
fmt-declared-utf8-is-1251 = the file says it is UTF-8, but byte { $byte } here is not UTF-8; it looks like Windows-1251 (1C's "ANSI"). Save it as UTF-8, or convert with --input-encoding windows-1251
fmt-mojibake = the text is garbled (mojibake): { $example } reads as { $repaired } once undone. The file was saved as UTF-8 after being read as Windows-1251; export it again from the source system
fmt-unknown-encoding = unknown encoding { $label }: expected e.g. utf-8, windows-1251, utf-16le
fmt-unknown-output-encoding = unknown encoding { $label }: expected e.g. windows-1251 or utf-8
fmt-unencodable = { $subject }: { $chars } cannot be written in { $encoding }; written as ? (--encoding utf-8 keeps them)

## Limits and sizes
fmt-record-longer-than = a record longer than { $size }
fmt-limit-record = a single record (an XML tag or text, a CSV row, a line, a JSON object) starting here
fmt-size-bytes = { $bytes } bytes
fmt-size-expected = { $text }: expected a size such as 200MB, 1GB or 4096
fmt-size-unknown-unit = { $text }: unknown unit { $unit } (B, KB, MB, GB, KiB, MiB, GiB)
fmt-size-too-large = { $text }: too large

## Formats, detection, conversion (`$action` follows "format X cannot")
fmt-action-be-read = be read
fmt-action-be-written = be written
fmt-action-hold-kind = hold { $kind } (it holds { $holds })
fmt-action-hold-data-from = hold { $kinds } data read from { $format }
fmt-action-hold-in-catalog = hold { $what } (it holds a catalog)
fmt-kind-catalog = catalog
fmt-kind-receipts = receipts
fmt-kind-orders = orders
fmt-and = {" "}and{" "}
fmt-folder-no-package = { $folder }: a folder is read as a package of files, and { $format } has none
fmt-folder-unreadable = { $folder }: a folder, and no format reads folders
fmt-undetected-content-and-extension = its content matches no known format and no format uses the extension .{ $ext }
fmt-undetected-content = its content matches no known format

## Output and the reading thread
fmt-too-many-links = more than { $max } symbolic links in a row
fmt-output-is-folder = this is a folder: name the file to write
fmt-line-end-inside-character = a line end inside a character
fmt-output-side-stopped = the output side stopped
fmt-reading-thread-not-started = cannot start the reading thread: { $error }
fmt-reading-thread-stopped = the reading thread stopped unexpectedly
fmt-reader-unfinished = the reader stopped without finishing

## Catalogue writers
fmt-spill-failed = holding products whose group has not come in a temporary file: { $error }
fmt-group-missing = group { $group } is not in the input; its { $count } products still refer to it
fmt-deleted-left-out = product { $code } ({ $name }) is marked deleted in the source; left out (this format cannot mark it deleted)

## Prices
fmt-price-type-missing = product { $code }: no price of type { $requested } (it has { $available }); { $field } left empty
fmt-price-type-ambiguous = product { $code } has several price types ({ $available }) and none is "{ $default }": name the one for { $field } with --price-type
fmt-price-type-unnamed = (unnamed)

## Orders
fmt-order-transition-refused = an order cannot go from { $from } to { $to }: { $reason }
fmt-order-creation-refused = an order cannot be created as { $to }: { $reason }
fmt-order-created-new-or-accepted = orders are created as NEW or ACCEPTED; REFUSED and DELETED are set later
fmt-order-deleted-unavailable = a deleted order is no longer available for work
fmt-order-refuse-only-accepted = only ACCEPTED or DISTRIBUTED orders can be refused (a NEW order is deleted instead)
fmt-order-delete-only-new = only NEW orders can be deleted; others are refused

## CSV and JSON readers
fmt-csv-empty = the file is empty: expected a header row
fmt-limit-row-columns = a row of { $columns } columns
fmt-limit-field-bytes = a field of { $bytes } bytes
fmt-csv-unreadable-row = not a readable CSV row: { $error }
fmt-csv-row-not-utf8 = cannot write CSV: a row is not valid UTF-8
fmt-expected-json-string = a JSON string
fmt-expected-string-or-number = a string or a number
fmt-expected-plain-decimal = a plain decimal number (no exponent)
fmt-expected-true-false = true or false
fmt-expected-epoch-ms = a time in epoch milliseconds
fmt-json-empty = the file is empty: expected JSON objects
fmt-json-error-at = { $error } at line { $line } column { $column }
fmt-json-invalid = not valid JSON: { $error }
fmt-json-write-failed = cannot write JSON: { $error }
fmt-canonical-invalid = not a valid canonical JSON document: { $error }
fmt-canonical-no-header = no "header": not a canonical JSON document
fmt-canonical-expected-document = a canonical document object
fmt-canonical-expected-records = an array of records
fmt-canonical-wrong-format = "format" is { $tag }: expected { $expected }
fmt-canonical-wrong-version = version { $version } is not supported: expected { $expected }
fmt-canonical-records-first = "records" comes before "header": the header must come first
fmt-canonical-record-kind = record { $record } is a { $kind } record in a { $document } document

## Lists and subjects
fmt-list-comma = { $first }, { $second }
fmt-list-semicolon = { $first }; { $second }
fmt-subject-header = header
fmt-json-object-unreadable = the object could not be read
fmt-standard-output = standard output
fmt-price-type-quoted = "{ $name }"

## The formats' descriptions (`kassa-bridge formats`)
fmt-desc-kassatka-xml = Кассатка nomenclature XML (ProductsGroups), the API and the 1C-processing layouts
fmt-desc-kassatka-receipts = Кассатка receipts XML (Documents/Doc), as downloaded from /receipts
fmt-desc-atol-goods = ATOL Frontol offline-till goods file (##@@&&, $$$ commands, ';', Windows-1251), as 1C writes it
fmt-desc-atol-report = ATOL Frontol sales report (#/@, db, report number, ';' transactions) for 1C's offline-till import
fmt-desc-bifit-csv = БИФИТ Касса goods import CSV (28 columns, ';', Windows-1251), with folders
fmt-desc-bifit-json = БИФИТ Касса goods as the API takes them: {"{"}"item": {"{"}…{"}"}{"}"} per product, array or JSON Lines
fmt-desc-bifit-orders = БИФИТ Касса online orders JSON (GET /online_orders/{"{"}id{"}"}): one object, an array or JSON Lines
fmt-desc-orders-csv = online orders as a table for people: CSV with ';', UTF-8 with BOM, Russian titles (write only)
fmt-desc-table = price lists from spreadsheets (xlsx, xlsm, xls, xlsb, ods) or CSV: columns by title, letter or number (read only)
fmt-desc-commerceml = CommerceML 2 (1C ↔ web shop): catalogue packages (import, offers, prices, rests …) and orders (read), a catalogue as one file and orders (write)
fmt-desc-canonical-json = kassa-bridge canonical JSON: lossless, any kind of data

fmt-encoding-described = { $name } ({ $how })
fmt-encoding-by-bom = byte order mark
fmt-encoding-by-xml-declaration = XML declaration
fmt-encoding-by-valid-utf8 = valid UTF-8
fmt-encoding-by-fallback = not UTF-8, assumed the Russian Windows code page
fmt-encoding-by-option = --input-encoding
fmt-encoding-binary = binary (spreadsheet container)
