# Price lists from spreadsheets and CSV (the `table` format).

## Cells
table-cell-is-boolean = the cell holds a boolean (TRUE/FALSE)
table-cell-is-date = the cell holds a date or a time
table-cell-is-error = the cell holds a spreadsheet error; fix the formula
table-expected-and-why = { $expected }; { $why }
table-expected-value = a value
table-expected-price = a price: a number, or a number with a currency such as «1 990 руб.» or «28500 грн»
table-expected-code-scientific = a code or barcode stored as text; the spreadsheet shows it in scientific notation, so its last digits are lost: format the column as text (Формат ячеек → Текстовый), type the codes again and save
table-expected-code-too-long = a code or barcode stored as text; a spreadsheet number keeps only 15 digits, so this one may have lost its last digits: format the column as text (Формат ячеек → Текстовый), type the codes again and save
table-expected-code = a code or barcode
table-expected-code-in-row = a product code (or an article): the row has a name but no code
table-expected-name-in-row = a product name: the row has the code { $code } but no name

## Places, rows and cells in messages
table-place-sheet = sheet «{ $sheet }»
table-place-csv = CSV ({ $encoding })
table-row = row { $number }
table-line = line { $number }
table-cell-csv = line { $row }, column { $column }
table-cell-titled = { $cell } ({ $title })

## Columns and the header row
table-note-columns = { $place }, { $columns }
table-note-price = price «{ $price_type }»{ $vat } ← { $column }{ $how }
table-as-mapped = {" "}(as mapped)
table-vat-included = {" "}(VAT included)
table-vat-excluded = {" "}(VAT excluded)
table-note-header-rows = header rows { $first }–{ $last }
table-note-header-row = header row { $row }
table-note-no-header-row = no header row
table-note-not-read = ; not read: { $columns }
table-among-titles = among the titles { $titles }
table-no-header-no-price = (the table has no header row and no price column is mapped)
table-no-price-column = no price column found { $titles }; products are read WITHOUT prices; map one with --column price=TITLE (or a letter such as price=D)
table-header-row-empty = { $file }: { $place }: row { $row } is empty, so it cannot be the header row
table-header-row-missing = { $file }: { $place } has no row { $row } for the header
table-header-row-not-found = { $file }: { $place }: no header row in the first { $rows } rows (titles such as Код, Наименование, Штрихкод, Цена); name it with --header-row N, or map the columns with --column code=A …
table-mapping-file-error = mapping file: { $error }
table-mapping-file-several-columns = mapping file: only `price` may name several columns
table-mapping-file-bad-column = mapping file: expected a title, a letter such as "C" or a number from 1
table-bad-column-option = --column { $spec }: expected field=column, e.g. code=A, barcode=3 or price=Цена; fields: { $fields }
table-column-twice = --column maps { $field } twice; only price may name several columns
table-mapped-title-no-header = { $place }: { $field } is mapped to the title «{ $title }», but the table has no header row
table-mapped-title-missing = { $place }: no column titled «{ $title }» (mapped to { $field }) in header row { $row }; the titles are: { $titles }
table-missing-code-column = code (or article) column
table-missing-name-column = name column
table-header-row-has = header row { $row } has { $titles }
table-no-header-row = the table has no header row
table-required-column-missing = { $place }: no { $missing } found ({ $found }); map it with --column, e.g. --column code=A --column name=Наименование
table-price-type-twice = { $place }: two price columns would both be price type «{ $price_type }»; map one of them by another title

## Rows that are not products
table-list-and-more = { $list }, …
table-example-row = { $row } { $text }
table-example-price = { $cell } { $text } → { $amount }
table-note-headings = { $file }: { $place }: { $count } group heading row(s) read as groups, the products under each belong to it: { $examples }
table-total-rows-skipped = { $count } «Итого»/«Всего» row(s) skipped, they are not products: { $examples }
table-text-rows-skipped = { $count } row(s) of text without a code or a price skipped (notes, contacts, a heading with no products under it): { $examples }
table-price-text-stripped = { $count } price cell(s) held text: the number was read and the currency or markup around it dropped: { $examples }
table-price-currency-foreign = { $count } price cell(s) are in another currency ({ $currencies }): the amounts are kept as written, not converted to rubles: { $examples }

## Workbooks
table-unreadable-spreadsheet = not a readable spreadsheet (xlsx, xlsm, xls, xlsb or ods): { $error }
table-no-details = no details
table-library-failed = the spreadsheet library failed on this file ({ $why }); open it in Excel or LibreOffice, save it as .xlsx and convert that
table-no-such-sheet = { $file }: no sheet { $sheet }; the sheets are { $sheets } (name one or give its number from 1)
table-no-sheets = { $file }: the workbook has no sheets
table-xls-codepage-guessed = an Excel 5.0/95 file that does not say its code page: its text was read as Windows-1251 (Cyrillic); if letters look wrong, save it as .xlsx and convert that
table-limit-spreadsheet-file = a spreadsheet file of more than that
table-limit-workbook-part = the workbook's part { $part } unpacking to { $bytes } bytes
table-limit-sheet-cells = sheet «{ $sheet }» with more than { $cells } cells
table-limit-sheet-area = sheet «{ $sheet }» whose cells span { $cells } cells (a cell as far as row { $row } column { $column })
table-limit-sheet-declares = a sheet declaring { $cells } cells
table-xls-damaged = not a readable .xls: its container is damaged ({ $what }); open it in Excel or LibreOffice and save it again
table-xls-short-header = shorter than its header
table-xls-claims-sectors = its { $what } claims { $sectors } sectors; the file has { $total }
table-xls-part-directory = directory
table-xls-part-fat = FAT
table-xls-part-mini-fat = mini FAT
table-xls-difat-chain = DIFAT chain
table-xls-fat-beyond = a FAT sector beyond the file
table-xls-directory-chain = directory chain
table-xls-entry-claims = its entry «{ $name }» claims { $bytes } bytes; the file has { $total }
table-xls-mini-stream-chain = mini stream chain
table-xls-mini-fat-chain = mini FAT chain
table-xls-workbook-chain = workbook stream chain
