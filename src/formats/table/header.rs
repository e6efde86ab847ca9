//! Finding the header row: named (`--header-row`), or searched among the first rows, passing over
//! a title block above it (company, date, notes). A second header row of sub-titles right under it
//! — 1C printouts put «Розничная» and «Оптовая» under a merged «Цена» — is merged in.

use std::collections::VecDeque;

use super::cells::Cell;
use super::mapping::{Settings, HEADER_SEARCH_ROWS};
use super::{Row, Rows};
use crate::error::{Error, Result};

/// The header row, with the sub-titles of the row under it merged in.
pub struct Header {
    pub row: Row,
    /// The row the sub-titles came from.
    pub sub_title_row: Option<u64>,
}

/// The header (`None` when the table has none); rows read past it are left in `pending`.
pub fn find_header(rows: &mut dyn Rows, settings: &Settings, pending: &mut VecDeque<Row>) -> Result<Option<Header>> {
    let Some(mut row) = header_row(rows, settings, pending)? else {
        return Ok(None);
    };
    let next = match pending.pop_front() {
        Some(next) => Some(next),
        None => rows.next_row()?,
    };
    let sub_title_row = match next {
        Some(next) if merge_sub_titles(&mut row, &next, settings) => Some(next.number),
        Some(next) => {
            pending.push_front(next);
            None
        }
        None => None,
    };
    Ok(Some(Header { row, sub_title_row }))
}

fn header_row(rows: &mut dyn Rows, settings: &Settings, pending: &mut VecDeque<Row>) -> Result<Option<Row>> {
    match settings.header_row.map(u64::from) {
        Some(0) => Ok(None),
        Some(wanted) => loop {
            match rows.next_row()? {
                Some(row) if row.number < wanted => continue,
                Some(row) if row.number == wanted => return Ok(Some(row)),
                Some(_) => {
                    return Err(Error::usage(crate::msg!(
                        "table-header-row-empty",
                        file = rows.file().to_string(),
                        place = rows.place_text(),
                        row = wanted
                    )));
                }
                None => {
                    return Err(Error::usage(crate::msg!(
                        "table-header-row-missing",
                        file = rows.file().to_string(),
                        place = rows.place_text(),
                        row = wanted
                    )))
                }
            }
        },
        None => {
            let mut scanned = Vec::new();
            while scanned.len() < HEADER_SEARCH_ROWS {
                match rows.next_row()? {
                    Some(row) => scanned.push(row),
                    None => break,
                }
            }
            let mut best: Option<(usize, usize)> = None;
            for (i, row) in scanned.iter().enumerate() {
                let (score, all_titles) = settings.header_score(&row.cells);
                if all_titles && (score >= 2 || settings.maps_titles()) && !matches!(best, Some((_, s)) if s >= score) {
                    best = Some((i, score));
                }
            }
            let mut scanned = VecDeque::from(scanned);
            match best {
                Some((i, _)) => {
                    let header = scanned.drain(..=i).next_back();
                    pending.extend(scanned);
                    Ok(header)
                }
                None if settings.needs_no_titles() => {
                    pending.extend(scanned);
                    Ok(None)
                }
                None => Err(Error::usage(crate::msg!(
                    "table-header-row-not-found",
                    file = rows.file().to_string(),
                    place = rows.place_text(),
                    rows = HEADER_SEARCH_ROWS
                ))),
            }
        }
    }
}

/// Merges `next` into the header when it is a row of sub-titles: right under it, only titles the
/// reader recognises, each under an empty header cell (the rest of a merged title) or under a
/// price title («Цена» over «Розничная», «Оптовая»). Returns whether it did.
fn merge_sub_titles(header: &mut Row, next: &Row, settings: &Settings) -> bool {
    let filled: Vec<usize> = (0..next.cells.len()).filter(|c| !next.cells[*c].is_blank()).collect();
    let is_sub_title = |c: &usize| {
        let above = header.cells.get(*c).map(Cell::shown).unwrap_or_default();
        let under_a_title = above.is_empty() || super::price_titles::price_title(&above).is_some();
        let cell = &next.cells[*c];
        under_a_title && matches!(cell, Cell::Text(_)) && settings.header_score(std::slice::from_ref(cell)).0 > 0
    };
    if next.number != header.number + 1 || filled.is_empty() || !filled.iter().all(is_sub_title) {
        return false;
    }
    if header.cells.len() < next.cells.len() {
        header.cells.resize(next.cells.len(), Cell::Empty);
    }
    for c in filled {
        header.cells[c] = next.cells[c].clone();
    }
    true
}
