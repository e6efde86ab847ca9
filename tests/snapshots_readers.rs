//! Reader behaviour beyond the per-sample snapshots of `registry.rs`.

mod support;

use kassa_bridge::Diagnostics;

/// The API layout repeats a product once per price type. A row that leaves out a value another
/// row gives (hostile-missing-optional: `00-00000016` without `UnitName`/`Barcode`) is still the
/// same product; rows that disagree on the unit are not merged.
#[test]
fn rows_of_one_product_merge_even_when_one_leaves_values_out() {
    use kassa_bridge::model::Record;

    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ProductsGroups>
 <ProductGroup Code="G" Name="Г" ParentCode="none">
  <Products>
   <Product Code="1" Name="А" ParentCode="G" UnitCode="796" Price="10" PriceType="Прайс-лист" Comment="первый"/>
   <Product Barcode="4601234005173" Code="1" Name="А" ParentCode="G" UnitCode="796" UnitName="шт" Price="12" PriceType="Розничная" Comment="второй"/>
   <Product Code="2" Name="Б" ParentCode="G" UnitCode="796" Price="1" PriceType="Розничная"/>
   <Product Code="2" Name="Б" ParentCode="G" UnitCode="166" Price="2" PriceType="Оптовая"/>
  </Products>
 </ProductGroup>
</ProductsGroups>
"#;
    let mut diag = Diagnostics::new(false);
    let doc = support::read_text("kassatka-xml", "rows.xml", xml, &mut diag).unwrap();
    let products: Vec<_> = doc
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Product(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(products.len(), 3, "{products:#?}");
    let one = products[0];
    assert_eq!(one.code, "1");
    assert_eq!(one.prices.len(), 2);
    assert_eq!(one.barcodes, ["4601234005173"]);
    assert_eq!(one.unit.as_ref().map(|u| (u.code.as_str(), u.name.as_str())), Some(("796", "шт")));
    assert_eq!(one.comment.as_deref(), Some("первый"));
    let kept: Vec<String> = diag.kept().map(|w| format!("{} {}", w.kind, w.message)).collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].starts_with("value-dropped product 1:") && kept[0].contains("второй"), "{kept:?}");
    // Different units: two products with the same code (inspect reports the duplicate).
    assert_eq!((products[1].code.as_str(), products[2].code.as_str()), ("2", "2"));
}
