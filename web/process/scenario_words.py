"""What the editor's Skenario tab says (its script's messages), in the user's language."""

from __future__ import annotations

from web.extensions import _


def messages() -> dict[str, str]:
    """What the tab's script says, in the user's language."""
    return {
        "none": _("Belum ada skenario. Tulis di JSON atau rekam satu."),
        "passed": _("lulus"),
        "failed": _("gagal"),
        "allPassed": _("Semua %(count)s skenario lulus."),
        "someFailed": _("%(failed)s dari %(count)s skenario gagal."),
        "runFailed": _("Skenario tidak dapat dijalankan."),
        "diagramProblems": _("Diagram bermasalah; skenario belum dijalankan."),
        "notTaken": _("Alur yang tidak ditempuh skenario mana pun:"),
        "allTaken": _("Setiap alur ditempuh oleh setidaknya satu skenario."),
        "jsonInvalid": _("Bukan JSON yang sah: %(error)s"),
        "recording": _("Merekam. Isi langkah yang siap, lalu Lanjut."),
        "nextStep": _("Langkah %(step)s: %(name)s"),
        "next": _("Lanjut"),
        "finished": _("Tiket selesai. Beri nama skenario lalu simpan."),
        "waiting": _("Tidak ada langkah lain yang siap."),
        "saveRecording": _("Simpan sebagai skenario"),
        "recordName": _("Nama skenario"),
        "recordSaved": _("Skenario \"%(name)s\" ditambahkan. Simpan draf untuk menyimpannya."),
        "nameTaken": _("Nama skenario sudah dipakai."),
        "stepFailed": _("Langkah tidak dapat dijalankan: %(error)s"),
    }
