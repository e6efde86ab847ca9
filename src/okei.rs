//! ОКЕИ units (reference `formats-1c.md` §6.1): names for codes that formats carrying only the
//! code (БИФИТ) leave unnamed, so a Кассатка `UnitName` is not left empty.

/// Code → full name, as 1C writes it in `UnitName`.
const UNITS: [(&str, &str); 21] = [
    ("003", "Миллиметр"),
    ("004", "Сантиметр"),
    ("006", "Метр"),
    ("018", "Погонный метр"),
    ("055", "Квадратный метр"),
    ("111", "Миллилитр"),
    ("112", "Литр"),
    ("113", "Кубический метр"),
    ("163", "Грамм"),
    ("166", "Килограмм"),
    ("168", "Тонна"),
    ("355", "Минута"),
    ("356", "Час"),
    ("704", "Набор"),
    ("715", "Пара"),
    ("736", "Рулон"),
    ("778", "Упаковка"),
    ("796", "Штука"),
    ("798", "Тысяча штук"),
    ("839", "Комплект"),
    ("868", "Бутылка"),
];

pub fn unit_name(code: &str) -> Option<&'static str> {
    UNITS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_codes_have_names() {
        assert_eq!(super::unit_name("796"), Some("Штука"));
        assert_eq!(super::unit_name("006"), Some("Метр"));
        assert_eq!(super::unit_name("6"), None);
    }
}
