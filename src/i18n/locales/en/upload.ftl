# Sending to and fetching from the services (Кассатка, БИФИТ Касса): `kassa-bridge upload`, `receipts`, `bifit`.
upload-error = error: { $error }
upload-unknown-status = unknown status { $status }; expected one of { $expected }
upload-progress-converting = converting
upload-progress-job = job { $key }: { $status }
upload-progress-items = items
upload-progress-eta = eta
upload-problem = problem: { $problem }
upload-bifit-rows-processed = problem: БИФИТ Касса processed { $rows } rows of { $products } products sent
upload-failed-folder = failed: folder { $id }: { $message }
upload-failed-product = failed: product { $id }: { $message }
upload-stopped = error: the upload stopped ({ $count } items not tried): { $reason }
upload-standard-output = standard output
upload-receipts-written = kassatka-receipts → { $format }: { $count } receipts written to { $dest } (the XML as sent: { $raw })
upload-trade-object = trade object { $id }  { $name }
upload-order-status-changed = order { $id }: { $from } → { $to }
upload-order-status-already = order { $id }: already { $status }; nothing sent
upload-order-written = online order { $id } → { $format }: written to { $path }

## HTTP (the words after the colon are the service's or the system's own)
upload-http-attempts-zero = [http] attempts = 0: expected at least 1
upload-http-timeout-zero = [http] timeout = "0s": expected more than 0
upload-http-gave-up = { $what } failed after { $tries } { $tries ->
    [one] try
   *[other] tries
    } in { $seconds } s: { $reason }
upload-http-transfer-broke-off = the transfer broke off: { $error }
upload-http-timed-out = timed out ({ $what })
upload-http-connection-error = connection error: { $error }
upload-http-could-not-connect = could not connect
upload-http-host-not-found = host not found
upload-http-bad-request = cannot make the request: { $reason }
upload-answer-not-json = the answer is not JSON
upload-check-base-url = check the base URL

## Кассатка
upload-kassatka-sent = Кассатка: { $groups } groups, { $products } products sent (process { $process }): { $status }
upload-kassatka-not-waited = not waited for
upload-bad-date = bad date { $date }: expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS
upload-kassatka-no-token = no Кассатка api-token: set { $env } or `token` in the [kassatka] section of the config file
upload-kassatka-token-refused = the api-token was refused
upload-kassatka-no-success = the service answered without success
upload-kassatka-no-process-key = the answer has no process_key
upload-period-reversed = the period starts ({ $from }) after it ends ({ $to })
upload-kassatka-no-status = the answer has no status
upload-kassatka-job-failed = the job { $key } ended with status { $status }
upload-kassatka-job-timeout = the job { $key } is still { $status } after { $seconds } s; gave up (poll-limit = { $limit }). It may still finish on Кассатка's side
upload-kassatka-json-not-xml = expected the receipts XML, got JSON

## БИФИТ Касса
upload-bifit-missing = no БИФИТ Касса { $what }: set { $env } or `{ $key }` in the [bifit] section of the config file
upload-bifit-login = login
upload-bifit-password = password
upload-bifit-login-refused = the login or password was refused
upload-bifit-refresh-refused = the refresh token was refused
upload-bifit-no-access-token = the answer has no access_token
upload-bifit-401-again = HTTP 401 even with a new token (the account needs full rights)
upload-bifit-not-array = expected a JSON array
upload-bifit-no-organization = the БИФИТ Касса account has no organization
upload-bifit-many-organizations = the account has { $count } organizations ({ $organizations }): name one with --org, { $env } or `organization-id` in [bifit]
upload-order-refused = order { $id }: { $reason }; nothing was sent
upload-order-not-json = online order { $id }: the answer is not JSON
upload-order-unknown-status = its status { $status } is not one the rules know
upload-order-not-expected = it is { $status }, not { $expected }
upload-bifit-tally = { $created } created, { $updated } updated, { $unchanged } unchanged, { $failed } failed
upload-bifit-api-outcome = БИФИТ Касса (organization { $organization }): products { $products }; folders { $folders }
upload-bifit-not-tried = { $count } not tried
upload-bifit-item-no-id = the item has no id
upload-bifit-unexpected-answer = unexpected answer
upload-bifit-folder-not-uploaded = its folder { $folder } was not uploaded
upload-bifit-folder-unknown = its folder { $folder } is neither in the input nor on БИФИТ Касса
upload-bifit-created-not-found = created { $id }, but it cannot be found
upload-bifit-duplicate = { $id } appears more than once in the input; the last one wins on БИФИТ Касса
upload-bifit-csv-outcome = БИФИТ Касса CSV import (organization { $organization }): { $groups } groups, { $products } products sent
upload-bifit-csv-rows = { $rows } rows processed
upload-bifit-csv-exception = exception: { $message }
upload-bifit-csv-problems = { $count } problems reported
upload-bifit-csv-row = row { $row }: { $message }
upload-endpoint-shape = { $spec }: expected `METHOD /path`, e.g. `PUT /protected/nomenclatures`
upload-endpoint-method = { $spec }: the method must be PUT, POST or PATCH
upload-sync-state-unreadable = { $path }: not a kassa-bridge sync state ({ $error }); move it away to start afresh (the next upload then compares with the service, not the file)
upload-sync-state-version = { $path }: a sync state of format { $format } version { $version }, expected { $expected_format } version { $expected_version }
upload-bifit-json-no-item = no item
upload-bifit-json-no-external-id = an item without externalId
upload-bifit-token-refreshed = HTTP 401; token refreshed
upload-order-input = online order { $id }
