# What the command line prints: prefixes, the summary of `convert`, the `inspect` report, `formats`.
cli-error = error: { $error }
cli-note = note: { $note }
cli-warning = warning: { $warning }
cli-warnings-more = warning: … and { $count } more [{ $kind }]
cli-warnings-quiet = { $count ->
    [one] 1 warning (run without -q to see it)
   *[other] { $count } warnings (run without -q to see them)
}
cli-error-writing-report = error: writing the report: { $error }
cli-count-groups = { $count } { $count ->
    [one] group
   *[other] groups
}
cli-count-products = { $count } { $count ->
    [one] product
   *[other] products
}
cli-count-receipts = { $count } { $count ->
    [one] receipt
   *[other] receipts
}
cli-count-orders = { $count } { $count ->
    [one] order
   *[other] orders
}
cli-count-none = no records
cli-standard-output = standard output
cli-converted = { $from } → { $to }: { $records } written to { $dest } (input encoding { $encoding }{ $warnings })
cli-converted-warnings = , { $count } { $count ->
    [one] warning
   *[other] warnings
}
cli-stdout-incomplete = note: standard output already holds the first part of the document (an output over { $mib } MiB is streamed): it is incomplete, do not use it
cli-inspect-detected = detected
cli-inspect-as-named = as named
cli-inspect-format = format
cli-inspect-encoding = encoding
cli-inspect-receipts = receipts
cli-inspect-orders = orders
cli-inspect-lines = lines
cli-inspect-groups = groups
cli-inspect-products = products
cli-inspect-prices = prices
cli-inspect-barcodes = barcodes
cli-inspect-deleted = deleted
cli-inspect-deleted-count = { $count } (marked deleted in the source)
cli-inspect-receipts-consistent = all totals consistent
cli-inspect-orders-consistent = all totals and statuses consistent
cli-inspect-no-problems = no problems found
cli-inspect-problems = problems
cli-inspect-more = … and { $count } more
cli-formats-format = FORMAT
cli-formats-read = READ
cli-formats-write = WRITE
cli-formats-data = DATA
cli-formats-extensions = EXTENSIONS
cli-formats-aliases = ALIASES
cli-formats-yes = yes
