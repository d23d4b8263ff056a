"""Changes and migration blockers in the reader's language."""

from __future__ import annotations

import engine
from web.extensions import _

DEFAULT_FLOW = "default"


def element_kind(kind: str) -> str:
    """What a BPMN element is, as people call it."""
    return {
        "userTask": _("Langkah"), "manualTask": _("Langkah"), "task": _("Langkah"),
        "scriptTask": _("Skrip"), "exclusiveGateway": _("Percabangan"),
        "parallelGateway": _("Percabangan paralel"), "sequenceFlow": _("Alur"),
        "startEvent": _("Awal"), "endEvent": _("Akhir"), "boundaryEvent": _("Batas waktu"),
        "intermediateCatchEvent": _("Peristiwa"), "intermediateThrowEvent": _("Peristiwa"),
    }.get(kind, _("Elemen"))


def property_label(name: str) -> str:
    """A property of a step, as the SOP table calls it."""
    return {
        "timeLimit": _("batas waktu"), "sopStep": _("nomor langkah SOP"),
        "formJsonSchemaFilename": _("berkas formulir"), "requirements": _("persyaratan"),
        "equipment": _("perlengkapan"), "output": _("output"), "remarks": _("keterangan"),
        "documentation": _("petunjuk"), "timer": _("pengatur waktu"),
        "attachedToRef": _("langkah yang diawasi"),
    }.get(name, name)


def _value(text: str) -> str:
    if text == DEFAULT_FLOW:
        return _("(alur bawaan)")
    return text or _("(kosong)")


def _form(change: engine.Change) -> str:
    if not change.aspect:
        return _("Formulir langkah \"%(name)s\" diubah.", name=change.name)
    if not change.before:
        return _("Formulir langkah \"%(name)s\": isian \"%(field)s\" ditambahkan.",
                 name=change.name, field=change.after or change.aspect)
    if not change.after:
        return _("Formulir langkah \"%(name)s\": isian \"%(field)s\" dihapus.",
                 name=change.name, field=change.before or change.aspect)
    return _("Formulir langkah \"%(name)s\": isian \"%(field)s\" diubah.",
             name=change.name, field=change.after)


def sentence(change: engine.Change) -> str:
    """One change as a sentence."""
    what, name = element_kind(change.element_kind), change.name
    before, after = _value(change.before), _value(change.after)
    simple = {
        "added": lambda: _("%(what)s \"%(name)s\" ditambahkan.", what=what, name=name),
        "removed": lambda: _("%(what)s \"%(name)s\" dihapus.", what=what, name=name),
        "renamed": lambda: _("%(what)s \"%(before)s\" diganti namanya menjadi \"%(after)s\".",
                             what=what, before=before, after=after),
        "lane_moved": lambda: _("%(what)s \"%(name)s\" dipindah dari lajur %(before)s ke "
                                "lajur %(after)s.", what=what, name=name, before=before,
                                after=after),
        "condition_changed": lambda: _("Kondisi alur \"%(name)s\" diubah dari %(before)s "
                                       "menjadi %(after)s.", name=name, before=before,
                                       after=after),
        "reconnected": lambda: _("Alur \"%(name)s\" dihubungkan ulang: %(before)s menjadi "
                                 "%(after)s.", name=name, before=before, after=after),
        "type_changed": lambda: _("Jenis elemen \"%(name)s\" diubah dari %(before)s menjadi "
                                  "%(after)s.", name=name, before=before, after=after),
        "script_changed": lambda: _("Skrip \"%(name)s\" diubah.", name=name),
        "form_changed": lambda: _form(change),
        "property_changed": lambda: _("%(property)s pada %(what)s \"%(name)s\" diubah dari "
                                      "%(before)s menjadi %(after)s.",
                                      property=property_label(change.aspect).capitalize(),
                                      what=what.lower(), name=name, before=before,
                                      after=after),
    }
    found = simple.get(change.kind)
    return found() if found is not None else _("\"%(name)s\" diubah.", name=name)


def _detail(code: str) -> str:
    kind, _sep, aspect = code.partition(":")
    words = {
        "added": _("ditambahkan"), "removed": _("dihapus"), "renamed": _("nama diganti"),
        "lane_moved": _("pindah lajur"), "condition_changed": _("kondisi diubah"),
        "form_changed": _("formulir diubah"), "reconnected": _("alur dihubungkan ulang"),
        "type_changed": _("jenis elemen diubah"), "script_changed": _("skrip diubah"),
    }
    if kind == "property_changed":
        return _("%(property)s diubah", property=property_label(aspect))
    if aspect == "timer" and kind in ("added", "removed"):
        return _("pengatur waktu ditambahkan") if kind == "added" else _(
            "pengatur waktu dihapus")
    return words.get(kind, kind)


def reason(blocker: engine.MigrationBlocker, number: int) -> str:
    """Why a ticket cannot move to version `number`, as a sentence."""
    details = ", ".join(_detail(code) for code in blocker.detail.split(",") if code)
    name = blocker.name
    sentences = {
        "position_removed": lambda: _("Langkah \"%(name)s\" tempat tiket berada dihapus pada "
                                      "versi %(number)s.", name=name, number=number),
        "position_changed": lambda: _("Langkah \"%(name)s\" tempat tiket berada diubah pada "
                                      "versi %(number)s (%(details)s).", name=name,
                                      number=number, details=details),
        "passed_removed": lambda: _("\"%(name)s\" yang sudah dilalui tiket dihapus pada versi "
                                    "%(number)s.", name=name, number=number),
        "passed_changed": lambda: _("\"%(name)s\" yang sudah dilalui tiket diubah pada versi "
                                    "%(number)s (%(details)s).", name=name, number=number,
                                    details=details),
        "not_restorable": lambda: _("Posisi tiket tidak dapat dipertahankan pada versi "
                                    "%(number)s.", number=number),
        "closed": lambda: _("Tiket sudah ditutup."),
        "same_version": lambda: _("Tiket sudah berada pada versi %(number)s.", number=number),
        "not_found": lambda: _("Tiket tidak ditemukan."),
        "conflict": lambda: _("Tiket baru saja diubah oleh orang lain; jalankan uji coba "
                              "lagi."),
    }
    found = sentences.get(blocker.code)
    return found() if found is not None else blocker.message or blocker.code
