"""A list belongs to a company, a covenant and a year: versions are numbered within the three,
and a list being imported (status "importing") is hidden until it is complete.

Lists handed in without a covenant get the one covenant their company took part in during the
list's year, where there is exactly one; the others keep none. Versions were unique per
company and year, so they stay unique per company, covenant and year.
"""

from datetime import date

import django.db.models.manager
from django.conf import settings
from django.db import migrations, models


def covenants_backfill(apps, schema_editor):
    SupplierList = apps.get_model("suppliers", "SupplierList")
    Participation = apps.get_model("registry", "Participation")
    taking_part: dict[tuple[int, int], set[int]] = {}
    pending = SupplierList.objects.filter(covenant__isnull=True).values_list(
        "pk", "company_id", "year"
    )
    for pk, company_id, year in list(pending):
        key = (company_id, year)
        if key not in taking_part:
            first, last = date(year, 1, 1), date(year, 12, 31)
            taking_part[key] = {
                covenant_id
                for covenant_id, left_on in Participation.objects.filter(
                    organisation_id=company_id, joined_on__lte=last
                ).values_list("covenant_id", "left_on")
                if left_on is None or left_on >= first
            }
        if len(taking_part[key]) == 1:
            (covenant_id,) = taking_part[key]
            SupplierList.objects.filter(pk=pk).update(covenant_id=covenant_id)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("suppliers", "0003_import_job_problem"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="supplierlist",
            options={
                "base_manager_name": "all_objects",
                "default_manager_name": "objects",
                "ordering": ["company", "year", "version"],
            },
        ),
        migrations.AlterModelManagers(
            name="supplierlist",
            managers=[
                ("all_objects", django.db.models.manager.Manager()),
                ("objects", django.db.models.manager.Manager()),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="supplierlist",
            name="supplier_list_version_unique",
        ),
        migrations.RunPython(covenants_backfill, migrations.RunPython.noop),
        migrations.AddField(
            model_name="supplierlist",
            name="status",
            field=models.CharField(
                choices=[("importing", "importing"), ("complete", "complete")],
                default="complete",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="supplierlist",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "complete")),
                fields=("company", "covenant", "year", "version"),
                name="supplier_list_version_unique",
            ),
        ),
    ]
