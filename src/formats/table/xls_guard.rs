//! Checks an `.xls` before calamine reads it. calamine trusts the compound file's sizes and
//! sector ids: a damaged header or chain makes it reserve terabytes, and a failed allocation
//! aborts the process — no `catch_unwind` stops that (a proptest over mutated samples found it).
//! So every size and sector calamine will use is checked against the file first, the way
//! calamine reads them (`cfb.rs`), and the DIMENSIONS records of the workbook stream against the
//! cell limit (calamine reserves room for all the cells a sheet declares).

use std::sync::Arc;

use crate::error::{Error, Position, Result};
use crate::limits::Limits;

const HEADER: usize = 512;
/// Sector ids from here up are markers (end of chain, free, FAT or DIFAT sector).
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const MINI_SECTOR: usize = 64;
/// Streams shorter than this live in the mini stream.
const MINI_CUTOFF: usize = 4096;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

struct Container<'a> {
    /// The file after its header, where calamine counts sectors from.
    body: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
}

impl Container<'_> {
    fn sectors(&self) -> usize {
        self.body.len().div_ceil(self.sector)
    }

    fn sector_at(&self, id: u32) -> Option<&[u8]> {
        let start = (id as usize).checked_mul(self.sector)?;
        (id < RESERVED && (id as usize) < self.sectors())
            .then(|| &self.body[start..(start + self.sector).min(self.body.len())])
    }

    /// A chain of sectors through `table` (the FAT, or the mini FAT with `read`), each id inside
    /// the file and no sector twice (a cycle would loop calamine forever).
    fn chain(&self, start: u32, table: &[u32], count: usize, read: impl Fn(u32) -> Option<Vec<u8>>) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id != END_OF_CHAIN {
            steps += 1;
            if steps > count || id as usize >= table.len() {
                return None;
            }
            out.extend(read(id)?);
            id = table[id as usize];
        }
        Some(out)
    }

    fn fat_chain(&self, start: u32) -> Option<Vec<u8>> {
        self.chain(start, &self.fat, self.sectors(), |id| self.sector_at(id).map(<[u8]>::to_vec))
    }
}

/// `Ok` when calamine can read the container without unbounded allocations.
pub fn check(bytes: &[u8], limits: &Limits, file: &Arc<str>) -> Result<()> {
    let damaged = |what: crate::i18n::Message| {
        Error::syntax(Position::in_file(file), crate::msg!("table-xls-damaged", what = what))
    };
    let header = bytes.get(..HEADER).ok_or_else(|| damaged(crate::msg!("table-xls-short-header")))?;
    let sector = match u16_at(header, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        // calamine refuses these itself.
        _ => return Ok(()),
    };
    let body_start = if sector == 4096 { 4096 } else { HEADER };
    let body = bytes.get(body_start..).unwrap_or_default();
    let field = |i| u32_at(header, i).unwrap_or(0) as usize;
    let (dir_len, fat_len, mini_fat_len) = (field(40), field(44), field(64));
    let mut container = Container { body, sector, fat: Vec::new() };
    let sectors = container.sectors();
    let parts = [
        (crate::msg!("table-xls-part-directory"), dir_len),
        (crate::msg!("table-xls-part-fat"), fat_len),
        (crate::msg!("table-xls-part-mini-fat"), mini_fat_len),
    ];
    for (what, len) in parts {
        if len > sectors {
            return Err(damaged(crate::msg!("table-xls-claims-sectors", what = what, sectors = len, total = sectors)));
        }
    }
    // The FAT's sectors: 109 ids in the header, then the DIFAT chain.
    let mut fat_sectors: Vec<u32> = u32s(&header[76..512]).filter(|id| *id < DIFSECT).collect();
    let mut difat = u32_at(header, 68).unwrap_or(END_OF_CHAIN);
    let mut steps = 0;
    while difat < RESERVED {
        steps += 1;
        let entries = container
            .sector_at(difat)
            .filter(|_| steps <= sectors)
            .ok_or_else(|| damaged(crate::msg!("table-xls-difat-chain")))?;
        let ids: Vec<u32> = u32s(entries).collect();
        difat = ids.last().copied().unwrap_or(END_OF_CHAIN);
        fat_sectors.extend(ids[..ids.len().saturating_sub(1)].iter().filter(|id| **id < DIFSECT));
    }
    let mut fat = Vec::new();
    for id in fat_sectors {
        fat.extend(u32s(container.sector_at(id).ok_or_else(|| damaged(crate::msg!("table-xls-fat-beyond")))?));
    }
    container.fat = fat;
    let dirs = container
        .fat_chain(u32_at(header, 48).unwrap_or(END_OF_CHAIN))
        .ok_or_else(|| damaged(crate::msg!("table-xls-directory-chain")))?;
    // Directory entries: start sector at 116, size at 120 (64 bits with 4096-byte sectors).
    let entries: Vec<(String, u32, usize)> = dirs
        .chunks_exact(128)
        .map(|e| {
            let name_len = usize::from(u16_at(e, 64).unwrap_or(0)).min(64);
            let units: Vec<u16> = e[..name_len].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            let name = String::from_utf16_lossy(&units).trim_end_matches('\0').to_string();
            let len = if sector == 512 {
                u32_at(e, 120).unwrap_or(0) as usize
            } else {
                u32_at(e, 120).unwrap_or(0) as usize | (u32_at(e, 124).unwrap_or(0) as usize) << 32
            };
            (name, u32_at(e, 116).unwrap_or(END_OF_CHAIN), len)
        })
        .collect();
    if let Some((name, _, len)) = entries.iter().find(|(_, _, len)| *len > bytes.len()) {
        return Err(damaged(crate::msg!(
            "table-xls-entry-claims",
            name = name.as_str(),
            bytes = *len,
            total = bytes.len()
        )));
    }
    let (mini_fat, mini_stream) = match entries.first() {
        Some((_, root_start, _)) if mini_fat_len > 0 => {
            let mini_stream =
                container.fat_chain(*root_start).ok_or_else(|| damaged(crate::msg!("table-xls-mini-stream-chain")))?;
            let mini_fat = container
                .fat_chain(u32_at(header, 60).unwrap_or(END_OF_CHAIN))
                .ok_or_else(|| damaged(crate::msg!("table-xls-mini-fat-chain")))?;
            (u32s(&mini_fat).collect::<Vec<u32>>(), mini_stream)
        }
        _ => (Vec::new(), Vec::new()),
    };
    let Some((_, start, len)) = entries.iter().find(|(name, _, _)| name == "Workbook" || name == "Book") else {
        return Ok(());
    };
    let stream = if *len < MINI_CUTOFF {
        let count = mini_stream.len() / MINI_SECTOR;
        container.chain(*start, &mini_fat, count, |id| {
            let at = id as usize * MINI_SECTOR;
            mini_stream.get(at..at + MINI_SECTOR).map(<[u8]>::to_vec)
        })
    } else {
        container.fat_chain(*start)
    };
    let stream = stream.ok_or_else(|| damaged(crate::msg!("table-xls-workbook-chain")))?;
    check_dimensions(&stream[..(*len).min(stream.len())], limits, file)
}

/// Every DIMENSIONS record of the workbook stream within `max_cells`.
fn check_dimensions(mut rest: &[u8], limits: &Limits, file: &Arc<str>) -> Result<()> {
    while rest.len() >= 4 {
        let (typ, len) = (u16_at(rest, 0).unwrap_or(0), usize::from(u16_at(rest, 2).unwrap_or(0)));
        let Some(data) = rest.get(4..4 + len) else { break };
        if typ == 0x0200 {
            let cells = declared_cells(data);
            if cells > limits.max_cells {
                return Err(Error::limit(
                    Position::in_file(file),
                    crate::msg!("table-limit-sheet-declares", cells = cells),
                    limits.max_cells.to_string(),
                    "--max-cells",
                ));
            }
        }
        rest = &rest[4 + len..];
    }
    Ok(())
}

/// The cells a DIMENSIONS record declares, computed as calamine does (wrapping included).
fn declared_cells(r: &[u8]) -> u64 {
    let u16v = |i| u32::from(u16_at(r, i).unwrap_or(0));
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (u16v(0), u16v(2), u16v(4), u16v(6)),
        14 => (u32_at(r, 0).unwrap_or(0), u32_at(r, 4).unwrap_or(0), u16v(8), u16v(10)),
        _ => return 0,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return 1;
    }
    let rows = u64::from((rl - 1).wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from((cl - 1).wrapping_sub(cf).wrapping_add(1));
    rows.saturating_mul(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_as_calamine_counts_them() {
        let biff8 = |rf: u32, rl: u32, cf: u16, cl: u16| {
            [rf.to_le_bytes().as_slice(), &rl.to_le_bytes(), &cf.to_le_bytes(), &cl.to_le_bytes(), &[0, 0]].concat()
        };
        assert_eq!(declared_cells(&biff8(0, 10, 0, 3)), 30);
        assert_eq!(declared_cells(&biff8(0, 0, 0, 0)), 1);
        assert!(declared_cells(&biff8(0, u32::MAX, 0, 255)) > 5_000_000);
        // A first row after the last wraps, as in calamine: huge, so refused.
        assert!(declared_cells(&biff8(100, 10, 0, 3)) > 5_000_000);
    }
}
