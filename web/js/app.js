// Placeholder: the console's entry module.
document.getElementById('app').dataset.ready = 'true';
