"""The open-data files: one CSV per dataset, one JSON with every dataset, and the data
dictionary. Column keys are the CSV header; the dictionary gives their Chinese names."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from linli.opendata import selectors

LICENCE = (
    "本数据由居委会已公开的记录汇总生成，已去除姓名、电话、门牌等个人信息，可自由使用，请注明来源。"
)


def dictionary() -> dict:
    return {
        "suppression": (
            _(
                "人数、户数、票数小于 %(n)s 的单元格显示为“%(label)s”，以免识别到具体住户；"
                "可投票户数小于该数时，该表决的比例也不公开；出资户少于该数的居民自筹金额不公开。"
            )
            % {"n": selectors.min_count(), "label": selectors.suppressed_label()}
        ),
        "licence": LICENCE,
        "datasets": [
            {
                "key": d.key,
                "title": str(d.title),
                "description": str(d.description),
                "columns": [
                    {
                        "key": c.key,
                        "label": str(c.label),
                        "type": str(c.kind),
                        "description": str(c.description),
                        "suppressed": c.suppressed,
                    }
                    for c in d.columns
                ],
            }
            for d in selectors.DATASETS
        ],
    }


def street_json(street, year: int) -> dict:
    data = selectors.export(street, year)
    return {
        "street": {"id": street.pk, "name": street.name, "district": street.district.name},
        "year": year,
        "suppressed_below": selectors.min_count(),
        "licence": LICENCE,
        "datasets": {
            d.key: {"columns": [c.key for c in d.columns], "rows": data[d.key]}
            for d in selectors.DATASETS
        },
    }


def csv_text(street, year: int, key: str) -> str:
    ds = selectors.dataset(key)
    rows = selectors.export(street, year)[key]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.key for c in ds.columns], lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue()


def csv_response(street, year: int, key: str) -> HttpResponse:
    # UTF-8 with a BOM so that Excel opens the Chinese text correctly.
    resp = HttpResponse(
        "\ufeff" + csv_text(street, year, key), content_type="text/csv; charset=utf-8"
    )
    resp["Content-Disposition"] = f'attachment; filename="linli-{street.pk}-{year}-{key}.csv"'
    return resp


def json_response(street, year: int) -> JsonResponse:
    resp = JsonResponse(street_json(street, year), json_dumps_params={"ensure_ascii": False})
    resp["Content-Disposition"] = f'inline; filename="linli-{street.pk}-{year}.json"'
    return resp


def dictionary_csv() -> HttpResponse:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["dataset", "column", "label", "type", "description", "suppressed"])
    for d in selectors.DATASETS:
        for c in d.columns:
            w.writerow(
                [d.key, c.key, c.label, c.kind, c.description, "是" if c.suppressed else "否"]
            )
    resp = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="linli-open-data-dictionary.csv"'
    return resp
