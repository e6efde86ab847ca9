//! VAT rates (НДС). The calculated rates (20/120 …) are what a till uses for advances; 5, 7, 22 and
//! their calculated forms are the rates added in 2025–2026 (reference `formats-1c.md` §6.3).

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Vat {
    /// «Без НДС»: not subject to VAT.
    #[serde(rename = "none")]
    NoVat,
    #[serde(rename = "0")]
    Vat0,
    #[serde(rename = "5")]
    Vat5,
    #[serde(rename = "7")]
    Vat7,
    #[serde(rename = "10")]
    Vat10,
    #[serde(rename = "20")]
    Vat20,
    #[serde(rename = "22")]
    Vat22,
    #[serde(rename = "5/105")]
    Vat5_105,
    #[serde(rename = "7/107")]
    Vat7_107,
    #[serde(rename = "10/110")]
    Vat10_110,
    #[serde(rename = "20/120")]
    Vat20_120,
    #[serde(rename = "22/122")]
    Vat22_122,
}

impl Vat {
    pub const ALL: [Vat; 12] = [
        Vat::NoVat,
        Vat::Vat0,
        Vat::Vat5,
        Vat::Vat7,
        Vat::Vat10,
        Vat::Vat20,
        Vat::Vat22,
        Vat::Vat5_105,
        Vat::Vat7_107,
        Vat::Vat10_110,
        Vat::Vat20_120,
        Vat::Vat22_122,
    ];

    /// The canonical spelling: `none`, `0`, `20`, `20/120` …
    pub fn as_str(self) -> &'static str {
        match self {
            Vat::NoVat => "none",
            Vat::Vat0 => "0",
            Vat::Vat5 => "5",
            Vat::Vat7 => "7",
            Vat::Vat10 => "10",
            Vat::Vat20 => "20",
            Vat::Vat22 => "22",
            Vat::Vat5_105 => "5/105",
            Vat::Vat7_107 => "7/107",
            Vat::Vat10_110 => "10/110",
            Vat::Vat20_120 => "20/120",
            Vat::Vat22_122 => "22/122",
        }
    }

    /// How 1C and people write it: `без НДС`, `0%`, `20%`, `20/120`.
    pub fn as_russian(self) -> &'static str {
        match self {
            Vat::NoVat => "без НДС",
            Vat::Vat0 => "0%",
            Vat::Vat5 => "5%",
            Vat::Vat7 => "7%",
            Vat::Vat10 => "10%",
            Vat::Vat20 => "20%",
            Vat::Vat22 => "22%",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for Vat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The accepted spellings, for error messages.
pub const VAT_EXPECTED: crate::i18n::Message = crate::i18n::Message { key: "fmt-expected-vat", args: Vec::new() };

impl FromStr for Vat {
    type Err = ();

    /// Accepts the spellings seen in 1C, Frontol and cloud APIs: `20`, `20%`, `НДС 20%`, `20 %`,
    /// `vat20`, `vat120`, `20/120`, `без НДС`, `Без НДС`, `none`, `no`.
    fn from_str(s: &str) -> Result<Self, ()> {
        let lower = s.trim().to_lowercase();
        let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
        let compact = compact.strip_prefix("ндс").unwrap_or(&compact);
        match compact {
            "безндс" | "none" | "no" | "novat" | "vatnone" | "без" => return Ok(Vat::NoVat),
            _ => {}
        }
        let compact = compact.strip_prefix("vat").unwrap_or(compact);
        let compact = compact.strip_suffix('%').unwrap_or(compact);
        let vat = match compact {
            "0" => Vat::Vat0,
            "5" => Vat::Vat5,
            "7" => Vat::Vat7,
            "10" => Vat::Vat10,
            "20" => Vat::Vat20,
            "22" => Vat::Vat22,
            "5/105" | "105" => Vat::Vat5_105,
            "7/107" | "107" => Vat::Vat7_107,
            "10/110" | "110" => Vat::Vat10_110,
            "20/120" | "120" => Vat::Vat20_120,
            "22/122" | "122" => Vat::Vat22_122,
            _ => return Err(()),
        };
        Ok(vat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spellings_seen_in_the_wild() {
        for (input, want) in [
            ("20%", Vat::Vat20),
            ("НДС 20%", Vat::Vat20),
            (" 10 % ", Vat::Vat10),
            ("без НДС", Vat::NoVat),
            ("Без НДС", Vat::NoVat),
            ("vat120", Vat::Vat20_120),
            ("20/120", Vat::Vat20_120),
            ("22", Vat::Vat22),
            ("7/107", Vat::Vat7_107),
            ("0", Vat::Vat0),
        ] {
            assert_eq!(input.parse::<Vat>(), Ok(want), "{input}");
        }
        assert!("18%".parse::<Vat>().is_err());
        assert!("".parse::<Vat>().is_err());
    }

    #[test]
    fn every_rate_reads_back_from_both_spellings() {
        for vat in Vat::ALL {
            assert_eq!(vat.as_str().parse::<Vat>(), Ok(vat));
            assert_eq!(vat.as_russian().parse::<Vat>(), Ok(vat));
        }
    }
}
