"""Rows keep the city, province and postal code read from their address (`imvo.core.places`),
beside the columns the company gave. Rows already stored are read once here."""

from django.db import migrations, models

_CHUNK = 2000


def places_backfill(apps, schema_editor):
    from imvo.core.places import place_parse

    SupplierRow = apps.get_model("suppliers", "SupplierRow")
    rows = SupplierRow.objects.filter(accepted=True).exclude(address="").order_by("pk")
    changed = []
    for row in rows.only("pk", "address", "country").iterator(chunk_size=_CHUNK):
        place = place_parse(row.address, row.country)
        if place.city or place.province or place.postal_code:
            row.parsed_city = place.city
            row.parsed_province = place.province
            row.parsed_postal_code = place.postal_code
            changed.append(row)
        if len(changed) >= _CHUNK:
            SupplierRow.objects.bulk_update(
                changed, ["parsed_city", "parsed_province", "parsed_postal_code"]
            )
            changed = []
    if changed:
        SupplierRow.objects.bulk_update(
            changed, ["parsed_city", "parsed_province", "parsed_postal_code"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0004_supplier_list_covenant_version_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="supplierrow",
            name="parsed_city",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="supplierrow",
            name="parsed_province",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="supplierrow",
            name="parsed_postal_code",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(places_backfill, migrations.RunPython.noop, elidable=True),
    ]
