# The summaries of the commands (`--help`). The English help comes from the code's documentation;
# these texts mirror it, as the reference for translations.
help-about = Converts retail data between 1C-side exports and cloud cash registers (Кассатка, БИФИТ Касса).
help-about-more = Every format is read into one canonical model and written from it, so any readable catalogue becomes any writable one. Conversions stream: files of any size are fine.
help-after =
    Exit codes: 0 success · 1 inspect found problems · 2 bad command line or a needed option · 3 broken input · 4 --strict refused a lossy conversion · 5 format problem · 6 file I/O · 7 a service failed or refused.

    Examples:
      kassa-bridge convert samples/kassatka-xml/seed-nomenclature.xml -t canonical-json -o goods.json
      kassa-bridge convert goods.json -t kassatka-xml --kassatka-dialect 1c
      kassa-bridge inspect samples/kassatka-receipts/seed-receipts.xml
      kassa-bridge formats
help-convert = Convert one file to another format
help-convert-more = The input format is detected from the content (then the extension) unless --from names it. The output is written to a temporary name and renamed into place only when the whole conversion succeeded, so a failed run never leaves a partial file.
help-inspect = Check a file without converting it: format, encoding, counts and data problems
help-inspect-more = Catalogues: duplicate product codes, one barcode on several products, products whose group is missing, group cycles, empty/zero/negative prices, bad EAN-13/EAN-8 check digits. Receipts: Sum = Price × Quantity, SumWithDiscount = Sum − Discount, document totals = Σ lines, payments = total. Exit code 1 when anything was found.
help-formats = List the formats: names, aliases, extensions, and what each reads and writes
help-schema = Print the JSON Schema of the canonical JSON format
help-upload = Upload a catalogue to Кассатка or БИФИТ Касса (any readable catalogue, converted first)
help-receipts = Download receipts from Кассатка, converted (to atol-report for 1C by default)
help-bifit = БИФИТ Касса: organizations and trade objects, online orders and their status
help-watch = Watch drop folders: convert every file dropped into an inbox, move it to done/ or error/
help-watch-more = Files are taken only when complete (unchanged for a while, or when their flag file appears), converted to every target of their route, and written to the outbox whole. A journal keyed by content hash skips repeats and lets a restart finish what a crash left. Ctrl-C / SIGTERM finish the current file, then exit.
help-init = Write an example drop-folder configuration (kassa-bridge.toml) and make its folders
help-status = Show what the drop folder did: routes' counts and last errors, pulls' cursors and runs
help-status-more = Per route: files waiting now, the journal's counts, uploads, the last conversions and errors. Per pull: its cursor, the last and next run, how many periods it is behind, the last error, and what it delivered last.
help-pull = Run one `[[pull]]` of the drop-folder configuration now (for cron, and for catching up)
help-pull-more = Without --from/--to: every period from the pull's cursor up to now − settle, as the schedule would, moving the cursor. With them: that period (receipts delivered before are left out unless --again). Uses the data folder's lock: not while `watch` runs.
help-stop = Ask the watcher of a data folder to finish the file it is converting and exit
help-stop-more = As Ctrl-C does at its console, for a watcher started by Task Scheduler, a script or in another session. Waits until it has exited (--wait); exit code 0 also when none runs.
help-service = Run the drop folder as a Windows service: install, uninstall, start, stop, status (elsewhere: prints the systemd unit)
help-service-more = install registers `kassa-bridge watch --config FILE` with the Service Control Manager: it starts with Windows, is restarted after a failure, logs to daily files in DATA\logs and its errors to the event log. A stop finishes the file being converted. Run install, uninstall, start and stop from a console opened as administrator.
