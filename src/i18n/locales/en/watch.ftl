# The drop folder: the error report next to a failed file, `status`, the watcher's log, its configuration.

## The `.error.txt` report
watch-report-title = kassa-bridge could not convert { $files }
watch-report-route = route: { $route }; at { $at }
watch-report-sha256 = sha256 of { $file }: { $sha256 }
watch-report-what-is-wrong = What is wrong (and where):
watch-report-what-to-do = What to do:
watch-report-drop-again = Then drop the corrected file into the inbox again ({ $inbox }). The file here is kept unchanged; nothing was written to the outbox for it.
watch-advice-fix-file = Correct the file at the place named above — best in the program that made it (1C, Айтида, the spreadsheet) — and export it again. If only the encoding is wrong, set `encoding` in the route's [route.read] table.
watch-advice-set-from = The format could not be told from the content: set `from = "FORMAT"` in this route (`kassa-bridge formats` lists them), or drop into this inbox only the files the route is meant for.
watch-advice-ambiguous = Several formats fit this file: set `from` in this route to the one meant.
watch-advice-unsupported = This route's targets cannot hold this kind of data (e.g. receipts into a catalogue format): drop such files into a route whose target fits.
watch-advice-option = The data needs an option to be converted: set it in the target's [route.target.write] table as the message says (e.g. `price-type = "Розничная"`).
watch-advice-unreadable = The file could not be read: check that it is a complete, readable file.
watch-advice-limit = The file goes beyond a limit that keeps memory bounded: if it is right, raise the limit the message names in this route's [route.read.limits] table.
watch-advice-outbox = Make room on the outbox's disk (or repair the outbox folder: missing, not a folder, not writable), check that the output can fit at all, or raise `max-retries`.
watch-outbox-gave-up = the output could not be written to the outbox in { $tries } tries (max-retries = { $max_retries }): { $reason }
watch-dead-letter = converting this file stopped kassa-bridge { $attempts } times (the program crashed or was killed before the conversion ended); it is set aside so that the files after it are converted
watch-advice-dead-letter = Look for what is unusual about the file (its size; a spreadsheet's declared range or cell count; a very long line or value) and export it again, smaller or corrected. If the file looks right, report it together with this note: the program must refuse a bad file with an error, never crash. `max-attempts` sets how many interrupted conversions set a file aside.

## A job
watch-not-a-folder = { $folder } is not a folder
watch-folder-cannot-be-made = { $folder } is missing and cannot be made: { $error }
watch-journal-unwritable = the journal cannot be written: { $error }
watch-input-unreadable = { $path } cannot be read: { $error }
watch-outbox-failing = outbox failing: { $reason }
watch-outbox-failing-at = outbox failing: { $path }: { $error }
watch-cannot-move-file = cannot move the file: { $reason }
watch-cannot-write-report = cannot write the error report: { $error }
watch-cannot-move = cannot move { $from } to { $to }: { $error }
watch-vanished-before = was removed from processing/ before it was converted
watch-vanished-while = was removed from processing/ while it was converted
watch-repeat = a repeat: this content was converted before; no new output
watch-converting = converting
watch-converted = converted
watch-failed = failed: { $error }

## Start-up
watch-cannot-make-folder = cannot make the folder: { $error }
watch-removed-partials = removed partial files of an interrupted run
watch-cannot-list = cannot list: { $error }
watch-redoing = redoing a conversion a stop interrupted
watch-finishing-move = finishing the move a stop interrupted
watch-back-to-inbox = back to the inbox to meet the other files of its package
watch-cannot-put-back = cannot put it back into the inbox: { $error }
watch-converting-left = converting a file a stop left in processing/
watch-set-aside = { $error }; moved to error/

## The watcher's log
watch-journal-lines-skipped = journal lines that could not be read were skipped (a torn last line after a power cut is expected)
watch-watching = watching
watch-route = route
watch-uploads-queued = uploads queued from the journal
watch-pull = pull
watch-idle = nothing left to do
watch-stopped = stopped
watch-no-events = file-system events are not available ({ $error }); listing the inboxes every rescan-interval
watch-no-events-inbox = no file-system events for this inbox ({ $error }); it is listed every rescan-interval
watch-blocked = { $reason }; the file waits in processing/
watch-working-again = working again
watch-inbox-listed-again = the inbox can be listed again
watch-cannot-list-inbox = cannot list the inbox: { $error }
watch-cannot-take = cannot be taken yet (still open by its writer?): { $error }
watch-taken = taken
watch-journal-compacted = journal compacted: finished jobs older than the retention are counted in a summary
watch-cannot-remove-flag = cannot remove the flag file: { $error }
watch-name-not-unicode = a file name that is not valid Unicode is left alone
watch-package-incomplete = the rest of the package did not come within pair-wait: converted with the parts that are here

## Uploads (`upload = …`)
watch-uploading = uploading
watch-upload-stopped-early = stopped early
watch-upload-output-gone = { $output } is gone from the outbox: nothing to send
watch-uploaded = uploaded: { $outcome }
watch-uploaded-with-problems = uploaded, with problems: { $outcome }
watch-upload-failed-retry = upload failed: { $error }; the output stays queued
watch-upload-failed-given-up = upload failed: { $error }; retrying cannot help: it stays queued until the next start

## Pulls (`[[pull]]`)
watch-pull-journal-compacted = pulls' journal compacted
watch-pull-journal-lines-skipped = pulls' journal lines that could not be read were skipped
watch-pull-cannot-finish = cannot finish the interrupted period yet: { $error }

## `kassa-bridge status`; `$at` and the counts come as they are
watch-status-attempt = attempt { $attempt }: { $error }
watch-status-waiting = waiting: { $reason }
watch-status-from = from { $from }
watch-status-interrupted-started = { $from } – { $to } started, not finished: redone at the next run
watch-status-interrupted-staged = { $from } – { $to } staged: its outputs are put in place at the next start
watch-status-every = every { $interval }
watch-status-at = at { $times }
watch-status-data-folder = data folder: { $path }
watch-status-journal = journal:     { $path }
watch-status-skipped-lines = {"             "}({ $count } unreadable lines skipped)
watch-status-route = route { $name }
watch-status-route-gone = route { $name } (no longer configured)
watch-status-now = now:       { $inbox } in the inbox, { $processing } in processing, { $errors } in error
watch-status-counts = journal:   { $converted } converted, { $repeats } repeats, { $failed } failed, { $vanished } vanished
watch-status-uploads = uploads:   { $queued } queued, { $uploaded } uploaded
watch-status-last-upload-error = last upload error { $at }: { $error } ({ $outputs })
watch-status-blocked = BLOCKED since { $at }: { $error }
watch-status-last-converted = last converted:
watch-status-last-errors = last errors:
watch-status-report = report: { $path }
watch-status-pull-journal-skipped = pulls' journal: { $count } unreadable lines skipped

## `kassa-bridge watch`, `init`, `status`
watch-no-signal-handler = cannot handle Ctrl-C/SIGTERM ({ $error }); a stop may interrupt a conversion (a restart redoes it)
watch-log-dir-failed = cannot write the log into { $dir } ({ $error }); logging to standard error
watch-output-in-use = { $path } is held open by another program and cannot be replaced: the new output is written under a new name
watch-done = done
watch-uploads-left = uploads were refused and are left queued (see `kassa-bridge status`); exit code { $code }
watch-pull-failures = a pull failed and is retried at the next start (see `kassa-bridge status`); exit code { $code }
watch-init-exists = error: { $path } exists already; --force replaces it
watch-init-wrote = wrote { $path }; drop files into { $inbox } and run { $command }: converted files appear in { $outbox }
watch-error = error: { $error }

## The configuration (kassa-bridge.toml); `$file` is its path, the quoted arguments come quoted
watch-config-error = { $file }: { $message }
watch-config-error-at = { $file }: { $at }: { $message }
watch-config-the-configuration = the configuration
watch-config-kassatka-token = the Кассатка token: `token` in [kassatka] or KASSA_BRIDGE_KASSATKA_TOKEN
watch-config-bifit-credentials = the БИФИТ Касса login and password: `login` and `password` in [bifit] or KASSA_BRIDGE_BIFIT_LOGIN and KASSA_BRIDGE_BIFIT_PASSWORD
watch-config-pull-needs = { $file }: pull { $pull } needs { $what }
watch-config-upload-needs = { $file }: route { $route } has upload = { $upload }, which needs { $what }
watch-config-zero-interval = { $file }: check-interval, rescan-interval and retry-min must be longer than zero
watch-config-retry-max = { $file }: retry-max must not be shorter than retry-min
watch-config-max-attempts = { $file }: max-attempts must be at least 1 and journal-retention longer than zero
watch-config-nothing = { $file }: no [[route]] and no [[pull]]: a route names at least an inbox and a [[route.target]] with a format; a pull a service, what to fetch, a schedule and a [[pull.target]]
watch-config-route-name = a route name is letters, digits, `-`, `_` and `.`
watch-config-route-needs-name = with several routes each needs a `name`
watch-config-route-with = `with` is not used in a route: the files of one package (CommerceML import*.xml, offers*.xml, prices*.xml …) dropped together are grouped by name
watch-config-cannot-read = format { $format } cannot be read
watch-config-route-no-target = route { $route } has no [[route.target]] with a format
watch-config-owner-route = route { $route }
watch-config-owner-pull = pull { $pull }
watch-config-unknown-upload = unknown upload { $upload }: expected "kassatka", "bifit-csv" or "bifit-api"
watch-config-upload-no-target = route { $route } has upload = { $upload }, which sends the route's { $formats } output: add a [[route.target]] with format = { $format }
watch-config-flag-file = `flag-file` is a file name in the inbox, e.g. "{"{"}name{"}"}.flag"
watch-config-unknown-lang = unknown lang { $lang }: expected "ru" or "en"
watch-config-name-taken = the name { $name } is taken by another route or pull
watch-config-output-name = `output` is a file name (no folders, not starting with a dot), e.g. "{ $example }"
watch-config-same-output = two targets of { $owner } write the same file { $output }: set `output`
watch-config-route-twice = two routes are named { $route }
watch-config-folder-shared = route { $route } uses { $folder } as its { $role }, but route { $other } uses it as its { $other_role }; set `{ $role }` to a folder of its own
watch-config-writes-own-inbox = route { $route }: its { $role } { $folder } is also its inbox or processing folder
watch-config-pull-name = a pull name is letters, digits, `-`, `_` and `.`
watch-config-every-zero = `every` must be longer than zero
watch-config-pull-schedule = pull { $pull } needs a schedule: `every = "15m"` or `at = ["06:00", "22:30"]` (one of them)
watch-config-max-period = `max-period` must be at least one second
watch-config-utc-offset = bad utc-offset { $value }: expected e.g. "+03:00"
watch-config-pull-no-target = pull { $pull } has no [[pull.target]] with a format
watch-config-pull-wrong-kind = format { $format } cannot hold the { $kind } that pull { $pull } fetches
watch-config-bad-time = bad time { $time } in `at`: expected HH:MM in local time, e.g. "06:00"
watch-config-no-time = `at` lists no time: give at least one, e.g. at = ["06:00"]
watch-config-unknown-source = nothing to pull as service = { $service }, fetch = { $fetch }: there is { $known }

## One watcher per data folder
watch-lock-pid-unknown = pid unknown
watch-lock-pid = pid { $pid }
watch-lock-busy = another `kassa-bridge watch` ({ $holder }) is using the data folder { $folder }; run one watcher per data folder (stop that one, or give this one its own --data-dir)
watch-lock-taken-over = took over the lock of a watcher that ended without a clean stop (a crash or a kill)
watch-config-built-in = <built-in configuration>

## `kassa-bridge stop`
stop-nothing-runs = no watcher runs on the data folder { $folder }
stop-pid-unknown = a watcher runs on the data folder { $folder }, but its pid cannot be read from watch.lock
stop-request-failed = cannot ask the watcher (pid { $pid }) to stop: { $error }
stop-asked = asked the watcher (pid { $pid }) of { $folder } to stop; it finishes the file it is converting first
stop-stopped = the watcher (pid { $pid }) has stopped
stop-still-running = the watcher (pid { $pid }) is still running after { $waited } (a long conversion?); it stops after that file
stop-cannot-listen = `kassa-bridge stop` cannot reach this watcher ({ $error }); Ctrl-C or Ctrl-Break at its console still stop it
