# The XML layer every XML format shares: reading (well-formedness, limits, attributes) and
# writing (characters XML forbids). `$value`, `$text` arguments come quoted.
xml-not-well-formed = the XML is not well-formed: { $detail }
xml-unknown-entity = unknown entity &{ $name };
xml-limit-depth = elements nested { $depth } deep
xml-limit-value = a value of { $bytes } bytes
xml-unexpected-element = unexpected element <{ $name }> inside <{ $element }>: expected a plain value
xml-truncated = the file ends inside <{ $element }>: it is cut off (copied or exported incompletely?)
xml-bad-attribute = bad attribute in <{ $element }>: { $error }
xml-bad-attribute-value = bad value of { $element }@{ $attribute }: { $error }
xml-attribute-missing = attribute { $name } is missing: expected { $expected }

# Lists inside a message.
xml-list-comma = { $head }, { $item }
xml-list-semicolon = { $head }; { $item }

# The record a removed character was in.
xml-subject-group = group { $code }
xml-subject-product = product { $code }
xml-subject-receipt = receipt { $number }
xml-subject-document = the document's attributes
xml-character-removed = { $field }: { $chars } removed from { $value }: XML 1.0 forbids { $count ->
    [one] it
   *[other] them
}
xml-character-removed-in = { $subject }: { $field }: { $chars } removed from { $value }: XML 1.0 forbids { $count ->
    [one] it
   *[other] them
}
xml-characters-removed-more = characters XML 1.0 forbids were removed from { $count } more values

# Every XML writer.
xml-document-attributes-dropped = document attributes { $names } have no place in { $format }; not written
