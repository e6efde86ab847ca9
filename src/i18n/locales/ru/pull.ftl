# Загрузка из сервиса: `[[pull]]` в папке обмена и `kassa-bridge pull NAME`.
pull-journal-unwritable = не удалось записать журнал загрузок: { $error }
pull-finished-staged = завершён период, подготовленный до прерывания
pull-waiting-for-consumer = в { $output } лежит более ранний период, который ещё не забрали: период с { $from } ждёт, пока его заберут
pull-waiting = ожидание: { $reason }
pull-period-failed = период не удалось загрузить: { $error }; курсор не сдвинут
pull-outbox-failing = сбой исходящей папки: { $reason }
pull-outbox-failing-at = сбой исходящей папки: { $path }: { $error }
pull-left-out = пропущены: уже выгружены в одном из прошлых периодов
pull-nothing-new = за период ничего нового: файл не создан (write-empty = false)
pull-pulled = загружено

## Как `status` показывает загрузку
pull-status-title = загрузка { $name } ({ $source }, { $schedule })
pull-status-title-gone = загрузка { $name } (больше нет в настройке)
pull-status-cursor = курсор:    { $cursor } (выгружено до этого момента)
pull-status-no-cursor-first = курсор:    пока нет; первый период начнётся с { $from }
pull-status-no-cursor = курсор:    пока нет
pull-status-never = не было
pull-status-runs = запуски:   последний { $last }, следующий { $next }; отставание: { $behind } { $behind ->
    [one] период
    [few] периода
   *[many] периодов
}
pull-status-counts = журнал:    периодов: { $periods }, выгружено записей: { $records }, пропущено повторов: { $repeats }
pull-status-no-output = файл не создан (ничего нового)
pull-status-last-delivered = последняя выгрузка { $at }: { $period } → { $outputs }
pull-status-interrupted = ПРЕРВАНО: { $what }
pull-status-last-error = последняя ошибка { $at }: { $error } ({ $period })

## `kassa-bridge pull NAME`
pull-none-configured = в ней нет ни одного [[pull]]
pull-configured = загрузки в ней: { $names }
pull-unknown = в настройке нет загрузки с именем { $name } ({ $known })
pull-from-after-to = --from должно быть раньше --to
pull-summary = загружено периодов: { $periods }; выгружено записей: { $records }; пропущено как выгруженные раньше: { $repeats }
pull-summary-waiting = { $summary }; ожидание: { $reason }
pull-summary-failed = { $summary }; ошибка: { $error }
