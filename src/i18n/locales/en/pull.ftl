# Pulls: `[[pull]]` in the drop folder and `kassa-bridge pull NAME`.
pull-journal-unwritable = the pulls' journal cannot be written: { $error }
pull-finished-staged = finished the period an interruption left staged
pull-waiting-for-consumer = { $output } holds an earlier period that has not been taken yet: the period from { $from } waits for it
pull-waiting = waiting: { $reason }
pull-period-failed = the period could not be pulled: { $error }; the cursor stays
pull-outbox-failing = outbox failing: { $reason }
pull-outbox-failing-at = outbox failing: { $path }: { $error }
pull-left-out = left out: delivered in an earlier period already
pull-nothing-new = nothing new in the period: no output (write-empty = false)
pull-pulled = pulled

## How `status` shows a pull
pull-status-title = pull { $name } ({ $source }, { $schedule })
pull-status-title-gone = pull { $name } (no longer configured)
pull-status-cursor = cursor:    { $cursor } (delivered up to here)
pull-status-no-cursor-first = cursor:    none yet; the first period starts at { $from }
pull-status-no-cursor = cursor:    none yet
pull-status-never = never
pull-status-runs = runs:      last { $last }, next { $next }; { $behind } period(s) behind
pull-status-counts = journal:   { $periods } periods, { $records } records delivered, { $repeats } repeats left out
pull-status-no-output = no output (nothing new)
pull-status-last-delivered = last delivered { $at }: { $period } → { $outputs }
pull-status-interrupted = INTERRUPTED: { $what }
pull-status-last-error = last error { $at }: { $error } ({ $period })

## `kassa-bridge pull NAME`
pull-none-configured = it has no [[pull]]
pull-configured = its pulls: { $names }
pull-unknown = no pull named { $name } in the configuration ({ $known })
pull-from-after-to = --from must be before --to
pull-summary = { $periods } period(s) pulled: { $records } record(s) delivered, { $repeats } left out as delivered before
pull-summary-waiting = { $summary }; waiting: { $reason }
pull-summary-failed = { $summary }; failed: { $error }
