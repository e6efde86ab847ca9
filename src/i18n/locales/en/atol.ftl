# ATOL Frontol: the goods file (atol-goods) and the sales report (atol-report).

## Reading the goods file
atol-expected-magic = the goods file's first line { $magic }
atol-goods-empty = the file is empty: expected { $magic }
atol-expected-flag-line = the flag line: # (not yet loaded) or @ (loaded)
atol-goods-no-flag = the file ends after { $magic }: expected the flag line # or @
atol-command-skipped = command $$${ $command } is not converted; its lines are skipped
atol-deletion-skipped = $$${ $command } { $text }: deletions have no place in the model; skipped
atol-expected-goods-code = the goods code in field 1
atol-code-again = code { $code } comes again after other lines; only consecutive lines of one code are one card, so this is read as a second product with the same code
atol-barcode-again = code { $code }: barcode { $barcode } is listed again; kept once
atol-difference = { $field } { $first } / { $second }
atol-card-lines-differ = code { $code }: lines { $first } and { $second } are one card (one line per barcode) but differ in { $differences }; the first line's values are kept

## The fields of a goods line
atol-field = field { $n }
atol-field-named = field { $n } ({ $name })
atol-field-code = code
atol-field-barcodes = barcodes
atol-field-name = name
atol-field-receipt-text = receipt text
atol-field-price = price
atol-field-stock = stock
atol-field-flags = flags
atol-field-payment-subject = payment subject
atol-field-parent-group = parent group
atol-field-goods-or-group = goods or group
atol-field-tax-group = tax group
atol-field-article = article
atol-field-measure = measure

## Writing the goods file
atol-subject-group = group { $code }
atol-subject-product = product { $code }
atol-code-invalid = { $subject }: code { $code } cannot be an ATOL goods code (at most { $limit } characters, no `;` or `#`)
atol-text-changed = { $subject }: { $what } { $note }
atol-text-note = { $value }: { $changes }
atol-change-replaced = `;`, `#` or a line break replaced by a space
atol-change-trimmed = spaces at the ends removed
atol-change-cut = cut to the field's length
atol-extra-cleaned = { $subject }: { $what } { $value }: `;` or a line break replaced by a space, spaces at the ends removed
atol-what-name = name
atol-what-receipt-text = receipt text
atol-what-article = article
atol-cannot-hold = { $subject }: { $format } cannot hold { $lost }; not written
atol-till-price = the till's price
atol-lost-price-types = price types { $types }
atol-lost-unit-no-measure = unit { $code } { $name } (no Frontol measure for it)
atol-lost-unit-no-okei = unit { $name } (no ОКЕИ code to find a Frontol measure by)
atol-lost-vat = VAT { $vat } (the goods file names Frontol tax groups, not rates)
atol-lost-comment = the comment
atol-lost-fields = fields { $fields }
atol-deletes-not-written = the input's commands { $commands } are not written (--atol-full-export writes the delete commands)

## The sales report
atol-bad-utc-offset = --utc-offset { $offset }: expected e.g. +03:00
atol-expected-processed-flag = the processed flag: # or @
atol-expected-database = the database id
atol-expected-report-number = the report number
atol-report-header-missing = the report ends before its header: expected { $expected }
atol-report-processed = the report is marked @: the back office has already loaded it (1C refuses it again)
atol-document-not-closed = document { $number } was opened but never closed (no 55 or 56); dropped
atol-transaction-duplicate = transaction number { $number } appears again
atol-transaction-gap = transaction numbers jump from { $last } to { $number }: { $missing } missing
atol-expected-whole-number = a whole number
atol-expected-date = a date dd.mm.yyyy
atol-expected-time = a time H:mm:ss
atol-storno-unmatched = storno of { $code } in document { $number }: no such line before it
atol-transaction-type-skipped = transactions of type { $kind } are not converted
atol-transaction-orphan = transaction { $number } (type { $kind }) belongs to no open document; skipped
atol-subject-receipt = receipt { $number }
atol-lost-line-fields = the product names, units, VAT or extra fields of { $lines } lines (1C finds goods by code)
atol-lost-party-names = organization, store and cash box names
atol-action-hold-catalog-or-orders = hold catalog records or orders
