/* Indonesian for the bpmn-js Modeler (palette, context pad, replace menu, search): a
 * `translate` service passed to the Modeler as an additional module, the way bpmn-js's own
 * customTranslate example does it. Strings with {placeholders} keep them. Loaded before
 * process-editor.js, which passes window.eskalasiTranslateModule when the page is Indonesian.
 */
(function () {
  'use strict';

  var ID = {
    // palette
    'Activate hand tool': 'Aktifkan alat geser',
    'Activate lasso tool': 'Aktifkan alat laso (pilih banyak)',
    'Activate create/remove space tool': 'Aktifkan alat tambah/kurangi ruang',
    'Activate global connect tool': 'Aktifkan alat sambung',
    'Create start event': 'Buat peristiwa mulai',
    'Create intermediate/boundary event': 'Buat peristiwa antara/batas',
    'Create end event': 'Buat peristiwa selesai',
    'Create gateway': 'Buat gerbang',
    'Create task': 'Buat tugas',
    'Create data object reference': 'Buat rujukan objek data',
    'Create data store reference': 'Buat rujukan penyimpanan data',
    'Create expanded sub-process': 'Buat subproses terbuka',
    'Create pool/participant': 'Buat kolam/peserta',
    'Create group': 'Buat kelompok',
    // context pad
    'Append end event': 'Tambahkan peristiwa selesai',
    'Append gateway': 'Tambahkan gerbang',
    'Append task': 'Tambahkan tugas',
    'Append intermediate/boundary event': 'Tambahkan peristiwa antara/batas',
    'Append message intermediate catch event': 'Tambahkan peristiwa tangkap pesan',
    'Append timer intermediate catch event': 'Tambahkan peristiwa tangkap pewaktu',
    'Append conditional intermediate catch event': 'Tambahkan peristiwa tangkap bersyarat',
    'Append signal intermediate catch event': 'Tambahkan peristiwa tangkap sinyal',
    'Append receive task': 'Tambahkan tugas terima',
    'Append compensation activity': 'Tambahkan aktivitas kompensasi',
    'Add text annotation': 'Tambahkan catatan teks',
    'Add lane above': 'Tambahkan lajur di atas',
    'Add lane below': 'Tambahkan lajur di bawah',
    'Divide into two lanes': 'Bagi menjadi dua lajur',
    'Divide into three lanes': 'Bagi menjadi tiga lajur',
    'Change element': 'Ubah jenis elemen',
    'Change type': 'Ubah jenis',
    'Connect to other element': 'Sambungkan ke elemen lain',
    'Connect using association': 'Sambungkan dengan asosiasi',
    'Connect using data input association': 'Sambungkan dengan asosiasi masukan data',
    'Delete': 'Hapus',
    'Align elements': 'Ratakan elemen',
    'Distribute elements horizontally': 'Sebarkan elemen mendatar',
    'Distribute elements vertically': 'Sebarkan elemen tegak',
    'Search in diagram': 'Cari di diagram',
    'Open {element}': 'Buka {element}',
    'Toggle non-interrupting': 'Ubah menjadi tidak menyela / menyela',
    // replace menu
    'Task': 'Tugas',
    'User task': 'Tugas pengguna',
    'Manual task': 'Tugas manual',
    'Script task': 'Tugas skrip',
    'Service task': 'Tugas layanan',
    'Send task': 'Tugas kirim',
    'Receive task': 'Tugas terima',
    'Business rule task': 'Tugas aturan bisnis',
    'Call activity': 'Aktivitas panggil',
    'Sub-process (collapsed)': 'Subproses (tertutup)',
    'Sub-process (expanded)': 'Subproses (terbuka)',
    'Start event': 'Peristiwa mulai',
    'End event': 'Peristiwa selesai',
    'Intermediate throw event': 'Peristiwa lempar antara',
    'Message start event': 'Peristiwa mulai pesan',
    'Timer start event': 'Peristiwa mulai pewaktu',
    'Timer intermediate catch event': 'Peristiwa tangkap pewaktu',
    'Timer boundary event': 'Peristiwa batas pewaktu',
    'Timer boundary event (non-interrupting)': 'Peristiwa batas pewaktu (tidak menyela)',
    'Message end event': 'Peristiwa selesai pesan',
    'Terminate end event': 'Peristiwa selesai penghentian',
    'Error end event': 'Peristiwa selesai galat',
    'Exclusive gateway': 'Gerbang eksklusif',
    'Parallel gateway': 'Gerbang paralel',
    'Inclusive gateway': 'Gerbang inklusif',
    'Complex gateway': 'Gerbang kompleks',
    'Event-based gateway': 'Gerbang berbasis peristiwa',
    'Sequence flow': 'Alur urutan',
    'Boundary event': 'Peristiwa batas',
    'Intermediate catch event': 'Peristiwa tangkap antara',
    'Default flow': 'Alur bawaan',
    'Conditional flow': 'Alur bersyarat',
    'Loop': 'Perulangan',
    'Parallel multi-instance': 'Banyak-instans paralel',
    'Sequential multi-instance': 'Banyak-instans berurutan',
    'Participant multiplicity': 'Multiplisitas peserta',
    'Empty pool/participant': 'Kolam/peserta kosong',
    'Expanded pool/participant': 'Kolam/peserta terbuka'
  };

  function translate(template, replacements) {
    var text = Object.prototype.hasOwnProperty.call(ID, template) ? ID[template] : template;
    replacements = replacements || {};
    return text.replace(/{([^}]+)}/g, function (_, key) {
      return Object.prototype.hasOwnProperty.call(replacements, key)
        ? replacements[key] : '{' + key + '}';
    });
  }

  window.eskalasiTranslateModule = { translate: ['value', translate] };
  window.eskalasiTranslations = ID;
}());
