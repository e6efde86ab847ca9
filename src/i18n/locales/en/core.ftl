# Positions in an input, and the framing of errors. `$value` arguments come quoted.
pos-line-column = line { $line }, column { $column }
pos-line = line { $line }
pos-byte = byte { $byte }
pos-join = { $first }: { $second }
pos-text = { $text }
pos-record = record { $record }
excerpt-length = { $bytes } bytes in all

error-bad-value = bad value { $value }: expected { $expected }
error-unknown-format = unknown format { $name }; `kassa-bridge formats` lists the known ones
error-undetected = cannot tell the format of { $input }: { $reason }; name it with --from
error-ambiguous = { $input } could be any of: { $candidates }; name one with --from
error-unsupported = format { $format } cannot { $action }
error-strict = { $warning } (an error because of --strict)
error-limit = { $what } goes beyond the limit of { $limit }: raise it with { $option } if the file is right
