"""What the engine says to people: a code with parameters, translated at the edge.

The engine never picks a language. It raises or returns a `Message`: a code from `CATALOG`
and the values to put in it. Its text as a `str` is the Indonesian default (the catalog's
template filled in), so logs, the command line and callers that do not translate still
read a sentence; the web edge looks the template up in its Flask-Babel catalog (the
Indonesian text is the msgid, `pybabel extract` finds it here through `_`) and fills in
the same parameters in the caller's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any


def _(text: str) -> str:
    """Mark a catalog template for `pybabel extract`; the engine itself never translates."""
    return text


# A message that is already text (a detail from a library, a name): shown as it is.
TEXT = "text"

CATALOG: Mapping[str, str] = MappingProxyType({
    TEXT: "%(text)s",
    # Not found (the same words whether it does not exist or may not be seen).
    "ticket_not_found": _("Tiket tidak ditemukan."),
    "ticket_reference_not_found": _("Tiket '%(reference)s' tidak ditemukan."),
    "task_not_found": _("Tugas tidak ditemukan."),
    "page_not_found": _("Halaman tidak ditemukan."),
    "attachment_not_found": _("Lampiran tidak ditemukan."),
    "notification_not_found": _("Notifikasi tidak ditemukan."),
    "user_not_found": _("Pengguna '%(username)s' tidak ditemukan."),
    "version_not_found": _("Versi proses tidak ditemukan."),
    "version_not_stored": _("Versi proses %(version)s tidak tersimpan."),
    "draft_not_found": _("Draf %(draft)s tidak ditemukan."),
    "version_id_not_found": _("Versi proses %(version)s tidak ditemukan."),
    "no_version_deployed": _("Belum ada versi proses yang di-deploy; jalankan `eskalasi "
                             "init`."),
    # Forbidden.
    "only_admin_opens_tickets": _("Hanya Admin LPSE yang dapat membuka tiket."),
    "only_owner_compares": _("Hanya pemilik proses yang dapat membandingkan versi."),
    "only_owner_moves_tickets": _("Hanya pemilik proses yang dapat memindahkan tiket ke "
                                  "versi lain."),
    "only_owner_may": _("Hanya pemilik proses yang dapat melakukan ini."),
    "only_owner_or_auditor_lists": _("Hanya pemilik proses atau auditor yang dapat melihat "
                                     "versi proses."),
    "only_auditor_verifies": _("Hanya auditor yang dapat memverifikasi tiket."),
    "only_auditor_exports": _("Hanya auditor yang dapat mengekspor log peristiwa."),
    # Conflict.
    "task_raced": _("Tugas ini baru saja diselesaikan oleh orang lain."),
    "task_done": _("Tugas ini sudah diselesaikan."),
    "task_not_pending": _("Tugas ini tidak lagi menunggu."),
    "timer_not_waiting": _("Pengatur waktu %(timer)s pada %(task)s tidak sedang menunggu."),
    "deploy_raced": _("Ada deploy lain pada saat yang sama; coba lagi."),
    "draft_saved_by": _("%(user)s menyimpan draf ini lebih dulu; buka lagi."),
    "draft_saved_meanwhile": _("Seseorang menyimpan draf ini lebih dulu; buka lagi."),
    # Invalid data (per field).
    "reporter_not_pengguna": _("Pelapor harus Pengguna SPSE dari LPSE Anda."),
    "choose_a_ticket": _("Pilih minimal satu tiket."),
    "choose_tickets_by_number": _("Pilih tiket dengan nomornya."),
    "too_many_tickets": _("Paling banyak %(limit)s tiket sekaligus."),
    "no_attachments_here": _("Lampiran tidak dapat disimpan di sini."),
    "too_many_files": _("Paling banyak %(limit)s berkas sekaligus."),
    "file_too_large": _("%(name)s: lebih besar dari %(megabytes)s MB."),
    "file_empty": _("%(name)s: berkas kosong."),
    "file_type_refused": _("%(name)s: jenis berkas tidak diterima (hanya gambar PNG/JPEG/GIF/"
                           "WebP, PDF, rekaman MP4/WebM, teks/log/CSV, ZIP, atau dokumen "
                           "Office/OpenDocument)."),
    "field_required": _("Wajib diisi."),
    "field_choose_one": _("Pilih salah satu: %(choices)s."),
    "field_type": _("Harus berupa %(kind)s."),
    "field_min_length": _("Minimal %(limit)s karakter."),
    "field_max_length": _("Maksimal %(limit)s karakter."),
    "field_minimum": _("Nilai minimal %(limit)s."),
    "field_maximum": _("Nilai maksimal %(limit)s."),
    "field_const": _("Harus bernilai %(value)s."),
    "field_format": _("Format %(format)s tidak valid."),
    "field_pattern": _("Format isian tidak sesuai."),
    "field_unknown": _("Kolom ini tidak dikenal pada formulir."),
    "form_not_object": _("Data formulir harus berupa objek JSON."),
    "field_name_invalid": _("Nama kolom tidak sah."),
    "field_nul": _("Teks tidak boleh memuat karakter NUL."),
    "kind_text": _("teks"),
    "kind_integer": _("bilangan bulat"),
    "kind_number": _("angka"),
    "kind_boolean": _("Ya/Tidak"),
    "kind_object": _("objek"),
    "kind_array": _("daftar"),
    # The process, sign-in, storage.
    "process_cannot_continue": _("Proses tidak dapat dilanjutkan: %(error)s"),
    "too_many_sign_ins": _("Terlalu banyak percobaan masuk yang gagal; tunggu, lalu coba "
                           "lagi."),
    "storage_unavailable": _("Basis data tidak tersedia: %(error)s"),
    "diagram_problems": _("%(count)s masalah pada diagram"),
    # Problems of a diagram and its forms (validation), shown as `FILE:LINE: message`.
    "bpmn_too_large": _("berkas berukuran %(size)s byte; batasnya %(limit)s byte"),
    "doctype_entities": _("deklarasi DOCTYPE dan entitas tidak diizinkan (dapat membaca "
                          "berkas lokal atau mengembang tanpa akhir)"),
    "not_utf8": _("berkas bukan UTF-8 yang sah"),
    "malformed_xml": _("XML rusak: %(detail)s"),
    "xml_empty": _("Berkas bukan BPMN yang utuh: kosong, atau tidak diawali tag XML"),
    "xml_extra_content": _("Berkas bukan BPMN yang utuh: masih ada isi setelah akhir "
                           "dokumen"),
    "xml_bad_character": _("Berkas bukan BPMN yang utuh: ada karakter yang tidak boleh ada "
                           "dalam XML"),
    "xml_bad_ampersand": _("Berkas bukan BPMN yang utuh: tanda & harus ditulis &amp;"),
    "xml_bad_attribute": _("Berkas bukan BPMN yang utuh: nilai atribut harus diapit tanda "
                           "kutip, tanpa tanda <"),
    "xml_attribute_twice": _("Berkas bukan BPMN yang utuh: atribut %(name)s ditulis dua kali"),
    "xml_bad_name": _("Berkas bukan BPMN yang utuh: nama tag tidak sah (atau tanda & yang "
                      "harus ditulis &amp;)"),
    "xml_ended_early": _("Berkas bukan BPMN yang utuh: berakhir sebelum waktunya (ada tag, "
                         "komentar atau atribut yang belum ditutup)"),
    "xml_tag_mismatch": _("Berkas bukan BPMN yang utuh: tag <%(opened)s> ditutup dengan "
                          "</%(closed)s>"),
    "xml_too_deep": _("Berkas bukan BPMN yang utuh: elemen bersarang terlalu dalam"),
    "xml_unknown_prefix": _("Berkas bukan BPMN yang utuh: awalan namespace %(prefix)s pada "
                            "%(tag)s tidak dideklarasikan"),
    "camunda_properties_converted": _("%(count)s properti Camunda diubah menjadi properti "
                                      "SpiffWorkflow"),
    "camunda_form_key_ignored": _("%(element)s: formKey dari Camunda diabaikan; formulir "
                                  "dinamai dengan properti formJsonSchemaFilename"),
    "doctype": _("deklarasi DOCTYPE tidak diizinkan"),
    "root_not_definitions": _("elemen akar harus bpmn:definitions dalam namespace "
                              "%(namespace)s, bukan %(tag)s"),
    "bpmn_schema": _("skema BPMN: %(detail)s"),
    "form_too_large": _("formulir lebih besar dari %(limit)s byte"),
    "form_not_json": _("bukan JSON yang sah: %(detail)s"),
    "form_too_deep": _("formulir bersarang lebih dari %(limit)s tingkat"),
    "form_not_json_object": _("formulir harus berupa objek JSON (sebuah JSON Schema)"),
    "form_schema_invalid": _("bukan JSON Schema yang sah di %(where)s: %(detail)s"),
    "form_not_type_object": _('formulir harus menggambarkan objek ("type": "object")'),
    "form_english_titles": _("%(field)s: x-enum-titles-en harus berupa daftar teks, satu per "
                             "nilai enum (%(count)s)"),
    "form_english_text": _("%(field)s: %(keyword)s harus berupa teks"),
    "form_pattern_unsupported": _("%(field)s: pola `%(pattern)s` tidak dapat dipakai (RE2: "
                                  "%(detail)s); backreference dan lookaround tidak didukung"),
    "form_pattern_properties": _("%(field)s: patternProperties tidak didukung di formulir; "
                                 "sebutkan setiap isian di properties"),
    "validation_too_many_code": _("validasi dihentikan: diagram memuat %(count)s skrip dan "
                                  "ekspresi, lebih dari %(limit)s"),
    "validation_too_much_code": _("validasi dihentikan: skrip dan ekspresi diagram berjumlah "
                                  "%(count)s karakter, lebih dari %(limit)s"),
    "validation_too_slow": _("validasi dihentikan: memakan waktu lebih dari %(seconds)s detik"),
    "one_process": _("diagram harus memuat tepat satu proses (pool); ditemukan %(count)s"),
    "node_unsupported": _("%(element)s: bpmn:%(kind)s tidak didukung di sini; gunakan user "
                          "task, script task atau gateway"),
    "lane_unknown": _("lajur '%(name)s' bukan salah satu dari %(lanes)s"),
    "lane_missing": _("proses tidak memiliki lajur bernama %(lanes)s"),
    "in_two_lanes": _("'%(element)s' berada di dua lajur"),
    "in_no_lane": _("%(element)s tidak berada di lajur mana pun"),
    "flow_from_unknown": _("alur %(flow)s berasal dari '%(ref)s', yang bukan elemen proses"),
    "flow_to_unknown": _("alur %(flow)s menuju '%(ref)s', yang bukan elemen proses"),
    "no_start": _("proses tidak memiliki start event (Mulai)"),
    "no_incoming": _("%(element)s tidak memiliki alur masuk; tidak ada yang dapat "
                     "mencapainya"),
    "no_outgoing": _("%(element)s tidak memiliki alur keluar; tiket akan berhenti di sana"),
    "flow_no_condition": _("alur %(flow)s dari keputusan %(gateway)s tidak memiliki kondisi "
                           "dan bukan alur default"),
    "sandbox_refused": _("%(kind)s `%(snippet)s` ditolak oleh sandbox: %(detail)s"),
    # Results are JSON, always (engine/sandbox/json_values.py).
    "json_refused": _("%(kind)s `%(snippet)s`, baris %(line)s: %(what)s tidak dapat disimpan "
                      "sebagai JSON"),
    "json_value_left": _("variabel %(name)s: %(what)s tidak dapat disimpan sebagai JSON"),
    "json_generator": _("generator atau iterator"),
    "json_set": _("himpunan (set)"),
    "json_range": _("range(...)"),
    "json_tuple": _("tuple (gunakan daftar [...])"),
    "json_nan": _("NaN atau tak hingga"),
    "json_big_int": _("bilangan bulat di luar ±(2**53-1)"),
    "json_too_deep": _("susunan lebih dalam dari %(limit)s tingkat"),
    "json_key": _("kunci objek yang bukan teks"),
    "json_type": _("nilai bertipe %(type)s"),
    "diagram_step_stopped": _("masalah pada diagram proses menghentikan langkah ini; tidak ada "
                              "yang diubah, dan pemilik proses melihatnya sebagai insiden "
                              "(%(error)s)"),
    "only_owner_sees_incidents": _("Hanya pemilik proses yang melihat insiden diagram."),
    "incident_subject": _("Insiden diagram: tiket %(number)s, langkah %(step)s"),
    "incident_body": _("Masalah pada diagram proses menghentikan langkah %(step)s tiket "
                       "%(number)s: %(error)s. Perbaiki diagram, lalu pindahkan tiket ke versi "
                       "yang sudah diperbaiki."),
    "step_not_a_number": _("%(element)s: sopStep '%(value)s' bukan nomor langkah 1–17"),
    "steps_uncovered": _("langkah SOP %(steps)s tidak dijalankan oleh elemen mana pun "
                         "(properti sopStep)"),
    "no_form": _("user task %(element)s tidak menyebut formulir (formJsonSchemaFilename)"),
    "form_name_invalid": _("user task %(element)s: nama formulir '%(name)s' harus nama berkas "
                           "biasa berakhiran .json"),
    "form_missing": _("user task %(element)s: formulir '%(name)s' tidak ada di forms/ maupun "
                      "di versi yang di-deploy"),
    "element_problem": _("%(element)s: %(problem)s"),
    "timer_not_boundary": _("timer %(element)s: hanya timer di tepi user task yang didukung "
                            "(tidak ada yang lain yang akan memicunya)"),
    "timer_not_on_task": _("timer %(element)s harus menempel pada user task"),
    "timer_host_no_limit": _("timer %(element)s berada pada %(host)s, yang tidak memiliki "
                             "properti timeLimit (mis. 8h atau 2d) untuk menyatakan kapan "
                             "jatuh tempo"),
    "timer_interrupting": _('timer %(element)s harus non-interrupting (cancelActivity="false"'
                            '): langkah tetap pada pemegangnya'),
    "timer_backstop": _('timer %(element)s harus memiliki time date "9999-12-31T23:59:59+00:00'
                        '" (tanggal yang tidak pernah tercapai): mesin memicunya saat timeLimit '
                        'langkah terlewati dalam waktu kerja, bukan menurut jam'),
    "no_layout": _("diagram tidak memiliki tata letak (bpmndi:BPMNDiagram); buka dan simpan "
                   "di BPMN modeler"),
    "element_no_layout": _("%(element)s tidak memiliki tata letak diagram (shape atau edge)"),
    "engine_cannot_run": _("mesin tidak dapat menjalankan ini: %(detail)s"),
    "engine_cannot_read": _("mesin tidak dapat membaca diagram ini: %(detail)s"),
    "no_bpmn_process": _("diagram tidak memiliki bpmn:process"),
    "days_off_no_date": _("'%(line)s' tidak diawali tanggal YYYY-MM-DD (mis. 2026-12-31 Libur "
                          "daerah)"),
    "days_off_bad_date": _("'%(date)s' bukan tanggal yang ada"),
    "cannot_read_file": _("berkas tidak dapat dibaca: %(detail)s"),
    # Drafts and uploads of a diagram with its forms.
    "draft_name": _("draf memerlukan nama 1 sampai %(limit)s karakter"),
    "too_many_forms": _("paling banyak %(limit)s formulir"),
    "form_file_name_invalid": _("'%(name)s' bukan nama berkas biasa berakhiran .json"),
    "file_larger_than": _("%(name)s lebih besar dari %(limit)s byte"),
    "text_nul": _("teks tidak boleh memuat karakter NUL"),
    "upload_zip_or_files": _("unggah zip, atau berkas BPMN beserta formulirnya, bukan "
                             "keduanya"),
    "upload_one_diagram": _("unggah tepat satu diagram BPMN (.bpmn); ditemukan %(count)s"),
    "upload_unknown_file": _("'%(name)s' bukan diagram .bpmn maupun formulir .json"),
    # Intake requests (issue 12).
    "request_not_found": _("Permintaan tidak ditemukan."),
    "only_pengguna_reports": _("Hanya Pengguna SPSE yang dapat melaporkan masalah."),
    "request_not_open": _("Permintaan ini sudah dijawab atau dieskalasi."),
    "upload_two_forms": _("dua formulir bernama %(name)s"),
    "zip_too_many": _("zip memuat lebih dari %(limit)s berkas"),
    "zip_unreadable": _("zip tidak dapat dibaca: %(detail)s"),
    "form_not_utf8": _("formulir bukan UTF-8 yang sah"),
    # Invitations and passwords (issue 12).
    "password_too_short": _("Kata sandi minimal %(limit)s karakter."),
    "password_too_long": _("Kata sandi maksimal %(limit)s karakter."),
    "password_guessable": _("Kata sandi ini mudah ditebak: %(reason)s"),
    "guessable_personal": _("memuat nama, nama pengguna atau alamat email Anda."),
    "guessable_common": _("termasuk kata sandi yang banyak dipakai orang."),
    "guessable_pattern": _("pola atau urutan yang mudah ditebak (mis. 1234, qwerty, tanggal)."),
    "guessable_words": _("buat lebih panjang, mis. beberapa kata yang tidak umum."),
    "password_link_used": _("Tautan ini sudah dipakai atau sudah diganti tautan yang lebih "
                            "baru."),
    "password_link_expired": _("Tautan ini sudah kedaluwarsa (berlaku 48 jam)."),
    "password_link_unknown": _("Tautan ini tidak berlaku."),
    "current_password_wrong": _("Kata sandi sekarang salah."),
    "too_many_password_requests": _("Terlalu banyak permintaan; tunggu, lalu coba lagi."),
    # Internal fields and comments (issue 13).
    "form_visibility": _("%(field)s: x-visibility harus \"internal\" atau \"public\", bukan "
                         "%(value)s"),
    "comment_not_allowed": _("Anda tidak dapat menulis komentar pada tiket ini."),
    "comment_internal_handlers_only": _("Catatan internal hanya dapat ditulis oleh Admin LPSE "
                                        "dan Helpdesk LKPP yang menangani tiket."),
    # Single sign-on (issue 12).
    "sso_no_email": _("Penyedia masuk tunggal tidak memberikan alamat email Anda."),
    "sso_email_unverified": _("Alamat email %(email)s belum terverifikasi di penyedia masuk "
                              "tunggal; verifikasi dulu di sana, atau masuk dengan kata sandi."),
    "sso_no_account": _("Tidak ada akun Eskalasi dengan email %(email)s. Hubungi Admin LPSE "
                        "Anda untuk dibuatkan akun."),
    "sso_account_inactive": _("Akun dengan email %(email)s sudah dinonaktifkan."),
    "sso_email_ambiguous": _("Email %(email)s dipakai lebih dari satu akun; masuk dengan nama "
                             "pengguna dan kata sandi."),
    # Task ownership (issue 13).
    "task_held_by": _("Tugas ini sedang dikerjakan oleh %(holder)s."),
    "task_release_not_holder": _("Hanya %(holder)s, yang memegang tugas ini, yang dapat "
                                 "melepasnya."),
    "assignee_may_not_complete": _("%(username)s tidak dapat mengerjakan tugas ini."),
    "assignee_missing": _("Pilih orang yang akan mengerjakan tugas ini."),
    # The LPSE directory and accounts (issue 12): CSV rows are `FILE:LINE: message`.
    "only_administrator": _("Hanya administrator yang dapat melakukan ini."),
    "admin_only_own_pengguna": _("Admin LPSE hanya dapat mengelola Pengguna SPSE dari LPSE-nya "
                                 "sendiri."),
    "cannot_deactivate_self": _("Anda tidak dapat menonaktifkan akun Anda sendiri."),
    "user_inactive": _("Akun '%(username)s' sudah nonaktif."),
    "csv_no_header": _("berkas kosong: baris judul kolom (%(columns)s) tidak ada"),
    "csv_missing_columns": _("kolom %(columns)s tidak ada di baris judul"),
    "csv_unknown_columns": _("kolom %(columns)s tidak dikenal (yang dikenal: %(known)s)"),
    "csv_field_count": _("baris ini memuat %(count)s kolom, baris judul %(expected)s"),
    "csv_unreadable": _("CSV tidak dapat dibaca: %(detail)s"),
    "csv_too_many_problems": _("pembacaan dihentikan setelah %(limit)s masalah"),
    "csv_too_large": _("berkas lebih besar dari %(megabytes)s MB; impor berkas sebesar ini "
                       "dengan perintah `eskalasi`"),
    "value_too_long": _("%(field)s lebih dari %(limit)s karakter"),
    "email_invalid": _("alamat email '%(email)s' tidak sah"),
    "email_required": _("alamat email wajib diisi"),
    "email_taken": _("alamat email '%(email)s' sudah dipakai akun %(username)s"),
    "email_duplicate": _("alamat email '%(email)s' sudah ada di baris %(line)s"),
    "lpse_code_invalid": _("kode '%(code)s' tidak sah: huruf kecil, angka dan tanda hubung, "
                           "paling banyak 64 karakter"),
    "lpse_code_duplicate": _("kode '%(code)s' sudah ada di baris %(line)s"),
    "lpse_code_taken": _("LPSE berkode '%(code)s' sudah ada"),
    "lpse_name_empty": _("nama LPSE kosong"),
    "lpse_not_found": _("LPSE '%(code)s' tidak ditemukan."),
    "lpse_unknown": _("LPSE berkode '%(code)s' tidak ada di direktori"),
    "lpse_required": _("peran %(role)s memerlukan LPSE (kodenya)"),
    "lpse_not_for_role": _("peran %(role)s bersifat nasional; kosongkan LPSE"),
    "zone_unknown": _("zona waktu '%(zone)s' tidak dikenal: gunakan WIB, WITA, WIT atau nama "
                      "zona IANA (mis. Asia/Makassar)"),
    "username_invalid": _("nama pengguna '%(username)s' tidak sah: huruf kecil, angka, titik, "
                          "garis bawah dan tanda hubung, paling banyak 100 karakter"),
    "username_taken": _("nama pengguna '%(username)s' sudah dipakai"),
    "username_duplicate": _("nama pengguna '%(username)s' sudah ada di baris %(line)s"),
    "user_name_empty": _("nama kosong"),
    "role_unknown": _("peran '%(role)s' tidak dikenal; gunakan salah satu: %(roles)s"),
    "people_raced": _("Ada perubahan lain pada akun atau direktori pada saat yang sama; coba "
                      "lagi."),
    # Mail settings (issue 13).
    "unknown_notification_kind": _("Jenis notifikasi '%(kind)s' tidak dikenal."),
    "unknown_mail_mode": _("Pilihan email '%(mode)s' tidak dikenal: pilih langsung, "
                           "ringkasan harian, atau tidak dikirim."),
    # Attachments by content (issue 13).
    "file_not_text": _("%(name)s: bukan berkas teks (isinya data biner)."),
    "file_not_zip": _("%(name)s: bukan arsip ZIP yang utuh."),
    "file_not_office": _("%(name)s: isinya bukan dokumen .%(kind)s yang sah."),
    "file_zip_too_many": _("%(name)s: ZIP memuat lebih dari %(limit)s berkas."),
    "file_zip_bomb": _("%(name)s: isi ZIP terlalu besar bila dibuka (lebih dari %(megabytes)s "
                       "MB)."),
    "file_not_forwardable": _("Berkas yang diteruskan bukan lampiran tiket ini."),
    # Forms pre-filled from earlier steps (issue 13).
    "prefill_unknown_field": _("%(element)s: x-prefill-from pada kolom '%(field)s' menyebut "
                               "'%(source)s', yang tidak ada di formulir langkah lain"),
    # The owners' scenarios (issue 15): a scenario file's problems are `FILE:LINE: message`.
    "scenario_files_two": _("unggah satu berkas skenario saja; ditemukan %(names)s"),
    "scenario_file_too_large": _("berkas skenario lebih besar dari %(limit)s byte"),
    "scenario_file_invalid": _("%(where)s: %(detail)s"),
    "scenario_where_file": _("berkas skenario"),
    "scenario_where": _("skenario '%(scenario)s'"),
    "scenario_where_step": _("skenario '%(scenario)s', langkah ke-%(index)s"),
    "scenario_value": _("%(field)s: %(error)s"),
    "scenario_field_missing": _("isian %(field)s wajib ada"),
    "scenario_field_unknown": _("isian %(field)s tidak dikenal (yang dikenal: %(known)s)"),
    "scenario_min_items": _("paling sedikit %(limit)s butir"),
    "scenario_max_items": _("paling banyak %(limit)s butir"),
    "scenario_name_twice": _("skenario '%(scenario)s' sudah ada di baris %(line)s; beri "
                             "setiap skenario nama sendiri"),
    "scenario_step_kind": _("skenario '%(scenario)s', langkah ke-%(index)s: isi salah satu: "
                            "sop_step (dengan data dan task), timer, atau message (dengan "
                            "data)"),
    "scenario_waiting_closed": _("skenario '%(scenario)s': waiting_at hanya untuk outcome "
                                 "open"),
    "scenario_too_many_steps": _("skenario berjumlah %(count)s langkah, lebih dari %(limit)s"),
    "scenario_too_slow": _("skenario dihentikan: memakan waktu lebih dari %(seconds)s detik"),
    "scenario_stopped_at_start": _("skenario '%(scenario)s': proses berhenti sebelum langkah "
                                   "pertama: %(error)s"),
    "scenario_ended_early": _("skenario '%(scenario)s', langkah ke-%(index)s: diharapkan "
                              "langkah %(expected)s, tetapi proses sudah selesai"),
    "scenario_went_elsewhere": _("skenario '%(scenario)s', langkah ke-%(index)s: diharapkan "
                                 "langkah %(expected)s, tetapi proses ke langkah %(actual)s"),
    "scenario_step_ambiguous": _("skenario '%(scenario)s', langkah ke-%(index)s: langkah "
                                 "%(step)s ditunggu oleh lebih dari satu tugas (%(tasks)s); "
                                 'sebutkan yang mana dengan "task"'),
    "scenario_data_invalid": _("skenario '%(scenario)s', langkah ke-%(index)s: data tidak sah "
                               "untuk formulir langkah %(step)s: %(field)s: %(error)s"),
    "scenario_stopped": _("skenario '%(scenario)s', langkah ke-%(index)s: proses berhenti "
                          "pada langkah %(step)s: %(error)s"),
    "scenario_timer_unknown": _("skenario '%(scenario)s', langkah ke-%(index)s: tidak ada "
                                "timer batas waktu bernama '%(timer)s'"),
    "scenario_no_timer": _("skenario '%(scenario)s', langkah ke-%(index)s: langkah %(step)s "
                           "tidak memiliki timer batas waktu"),
    "scenario_timer_fired": _("skenario '%(scenario)s', langkah ke-%(index)s: timer %(timer)s "
                              "sudah berjalan pada langkah ini"),
    "scenario_path": _("skenario '%(scenario)s': jalur yang diharapkan %(expected)s, tetapi "
                       "proses menempuh %(actual)s"),
    "scenario_outcome": _("skenario '%(scenario)s': diharapkan %(expected)s, tetapi "
                          "%(actual)s"),
    "scenario_is_closed": _("tiket ditutup"),
    "scenario_is_waiting": _("tiket menunggu di langkah %(steps)s"),
    "scenario_coverage_flows": _("cakupan alur: %(taken)s/%(all)s (%(percent)s %%)"),
    "scenario_coverage_branches": _("cabang keputusan: %(taken)s/%(all)s (%(percent)s %%)"),
    "scenario_flows_not_taken": _("alur yang tidak ditempuh skenario mana pun: %(flows)s"),
    "scenario_message_unknown": _("skenario '%(scenario)s', langkah ke-%(index)s: diagram tidak "
                                  "memiliki pesan bernama '%(message)s'"),
    "scenario_message_not_waiting": _("skenario '%(scenario)s', langkah ke-%(index)s: tidak ada "
                                      "yang menunggu pesan '%(message)s' saat ini"),
    # The knowledge base (issue 17).
    "article_not_found": _("Artikel tidak ditemukan."),
    "article_status_invalid": _("Status harus draf atau terbit."),
    "article_ticket_without_answer": _("Tiket ini belum memiliki panduan (langkah 4) atau "
                                       "solusi (langkah 14)."),
    "only_helpdesk_writes_articles": _("Hanya Helpdesk LKPP yang dapat menulis artikel."),
    "only_helpdesk_manages_templates": _("Hanya Helpdesk LKPP yang dapat mengelola templat "
                                         "balasan."),
    "template_name_taken": _("Nama templat ini sudah dipakai."),
    "template_not_found": _("Templat balasan tidak ditemukan."),
    "suggest_same_code": _("kode error sama: %(code)s"),
    "suggest_words": _("kata yang sama: \"%(words)s\""),
    # Ticket operations in the diagram (issue 15): withdrawing, closing as a duplicate.
    "withdraw_only_admin": _("Hanya Admin LPSE dari LPSE tiket ini yang dapat menarik tiket."),
    "duplicate_only_helpdesk": _("Hanya Helpdesk LKPP yang dapat menutup tiket sebagai "
                                 "duplikat."),
    "operation_withdraw": _("penarikan tiket"),
    "operation_duplicate": _("penutupan tiket sebagai duplikat"),
    "operation_not_in_version": _("Versi proses tiket ini belum mendukung %(operation)s."),
    "operation_ticket_ended": _("Tiket ini sudah selesai atau dibatalkan."),
    "withdraw_too_late": _("Tiket tidak dapat ditarik lagi: Helpdesk LKPP sudah mulai "
                           "menanganinya."),
    "duplicate_not_now": _("Pada tahap ini tiket tidak dapat ditutup sebagai duplikat."),
    "duplicate_original_missing": _("Tidak ada tiket bernomor %(number)s yang dapat Anda "
                                    "lihat."),
    "duplicate_of_itself": _("Tiket tidak dapat menjadi duplikat dari dirinya sendiri."),
    "message_not_waiting": _("Tidak ada yang menunggu pesan '%(message)s' saat ini."),
    "incident_not_open": _("Insiden %(incident)s tidak ada atau sudah selesai."),
    "incident_waits_for_person": _("Langkah ini menunggu isian orang: langkahnya dicoba lagi "
                                   "saat orang itu menyelesaikannya."),
})

Translate = Callable[[str], str]


class Message(str):
    """A code from `CATALOG` and its parameters; as text, the Indonesian default.

    A `str` so that everything which already shows, joins, logs or serializes text keeps
    working; `code` and `params` are what the edge translates. Parameters that are
    themselves messages are translated with it.
    """

    __slots__ = ("code", "params")
    code: str
    params: Mapping[str, Any]

    def __new__(cls, code: str, /, **params: Any) -> Message:
        """The message `code` with its parameters (KeyError for a code not in CATALOG)."""
        frozen = MappingProxyType(dict(params))
        made = super().__new__(cls, _fill(CATALOG[code], frozen, _identity))
        object.__setattr__(made, "code", code)
        object.__setattr__(made, "params", frozen)
        return made

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Message is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, dict(self.params)))

    def render(self, translate: Translate) -> str:
        """The text in another language: `translate` maps a catalog template to its own."""
        try:
            return _fill(translate(CATALOG[self.code]), self.params, translate)
        except (KeyError, ValueError, TypeError):  # a translation that lost a parameter
            return str(self)


def _rebuild(code: str, params: dict[str, Any]) -> Message:
    return Message(code, **params)


def _identity(text: str) -> str:
    return text


def _fill(template: str, params: Mapping[str, Any], translate: Translate) -> str:
    values = {key: value.render(translate) if isinstance(value, Message) else value
              for key, value in params.items()}
    return template % values if values else template


def text(value: str) -> Message:
    """A message that is already text (a library's detail, a name): shown unchanged."""
    return value if isinstance(value, Message) else Message(TEXT, text=value)


def render_message(value: str, translate: Translate) -> str:
    """Any text the engine produced, translated if it is a `Message`, as it is otherwise."""
    return value.render(translate) if isinstance(value, Message) else value
