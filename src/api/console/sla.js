// Not built yet: the view says so.

import { el } from './ui.js';

export class SlaView {
  show() {
    document.getElementById('view-sla').replaceChildren(el('p', { class: 'muted' }, 'This view is not available yet.'));
  }
}
