extension ReviewPage {
    static let script = #"""
    'use strict';
    // Prefab review page. Every text from the data goes into the page as text (textContent,
    // text nodes); markdown is rendered by building elements here, never by parsing HTML text.

    const $ = (id) => document.getElementById(id);
    const state = {
      reviewer: '', facets: {}, total: 0,
      filter: { model: '', source: '', aspect: '', flag: '', status: 'all' },
      offset: 0, limit: 50, page: null, selected: 0,
      item: null, busy: false,
    };

    function el(tag, text, className) {
      const node = document.createElement(tag);
      if (text !== undefined && text !== null) node.textContent = String(text);
      if (className) node.className = className;
      return node;
    }

    function setStatus(text) { $('status').textContent = text || ''; }

    async function api(path, body) {
      const options = body === undefined ? {} : {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      };
      options.credentials = 'same-origin';
      const response = await fetch(path, options);
      const text = await response.text();
      let data = null;
      try { data = JSON.parse(text); } catch (e) { data = { error: text }; }
      if (!response.ok) throw new Error((data && data.error) || ('HTTP ' + response.status));
      return data;
    }

    // ---- markdown, built as elements -------------------------------------------------------

    // Inline spans: `code`, **bold**, *italic* or _italic_, [text](url) shown as text and url.
    function appendInline(parent, text) {
      const pattern = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*([^*\n]+)\*\*|(?:^|(?<=\W))[*_]([^*_\n]+)[*_](?=\W|$)|\[([^\]\n]+)\]\(([^)\s]+)\)/g;
      let last = 0;
      let match;
      while ((match = pattern.exec(text)) !== null) {
        if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
        if (match[2] !== undefined) parent.appendChild(el('code', match[2]));
        else if (match[3] !== undefined) parent.appendChild(el('strong', match[3]));
        else if (match[4] !== undefined) parent.appendChild(el('em', match[4]));
        else {
          parent.appendChild(document.createTextNode(match[5]));
          parent.appendChild(el('span', ' (' + match[6] + ')', 'url'));
        }
        last = pattern.lastIndex;
        if (match[0].length === 0) pattern.lastIndex++;
      }
      if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    }

    function renderMarkdown(text, container) {
      const lines = String(text).split('\n');
      let paragraph = [];
      let list = null;
      const flush = () => {
        if (paragraph.length) {
          const p = el('p');
          p.dir = 'auto';
          // Breaking a very long word anywhere costs the browser seconds per megabyte; such a
          // paragraph scrolls sideways instead.
          if (paragraph.some((line) => /\S{400}/.test(line))) p.className = 'unbroken';
          paragraph.forEach((line, i) => {
            if (i) p.appendChild(el('br'));
            appendInline(p, line);
          });
          container.appendChild(p);
          paragraph = [];
        }
        list = null;
      };
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        const fence = /^\s*(```|~~~)\s*([\w+#.-]*)/.exec(line);
        if (fence) {
          flush();
          const code = [];
          i++;
          while (i < lines.length && !lines[i].trim().startsWith(fence[1])) { code.push(lines[i]); i++; }
          const pre = el('pre');
          const element = el('code', code.join('\n'));
          if (fence[2]) element.dataset.language = fence[2];
          pre.appendChild(element);
          container.appendChild(pre);
          continue;
        }
        const heading = /^(#{1,6})\s+(.*)$/.exec(line);
        if (heading) {
          flush();
          const h = el('h' + Math.min(6, heading[1].length + 2));
          h.dir = 'auto';
          appendInline(h, heading[2]);
          container.appendChild(h);
          continue;
        }
        const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
        if (item) {
          if (paragraph.length) flush();
          const ordered = /\d/.test(item[1]);
          if (!list || (list.tagName === 'OL') !== ordered) {
            list = el(ordered ? 'ol' : 'ul');
            container.appendChild(list);
          }
          const li = el('li');
          li.dir = 'auto';
          appendInline(li, item[2]);
          list.appendChild(li);
          continue;
        }
        const quote = /^\s*>\s?(.*)$/.exec(line);
        if (quote) {
          flush();
          const q = el('blockquote');
          q.dir = 'auto';
          appendInline(q, quote[1]);
          container.appendChild(q);
          continue;
        }
        if (line.trim() === '') { flush(); continue; }
        list = null;
        paragraph.push(line);
      }
      flush();
    }

    // ---- queue --------------------------------------------------------------------------

    function query(extra) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(state.filter)) if (value) params.set(key, value);
      params.set('offset', String(state.offset));
      params.set('limit', String(state.limit));
      params.set('reviewer', state.reviewer);
      for (const [key, value] of Object.entries(extra || {})) params.set(key, value);
      return params.toString();
    }

    function showProgress(progress) {
      if (!progress) return;
      $('progress').textContent = 'reviewed ' + progress.reviewed + ' / ' + progress.total + ' (you: ' + progress.mine + ')';
    }

    async function loadPage() {
      const answer = await api('/api/queue?' + query());
      state.page = answer.page;
      showProgress(answer.progress);
      saveState();
      return answer.page;
    }

    function renderQueue() {
      const body = $('queue').querySelector('tbody');
      body.replaceChildren();
      const page = state.page;
      page.entries.forEach((entry, i) => {
        const row = el('tr');
        row.dataset.promptId = entry.prompt_id;
        if (entry.reviewers > 0) row.classList.add('reviewed');
        if (i === state.selected) row.classList.add('selected');
        row.appendChild(el('td', page.offset + i + 1));
        row.appendChild(el('td', entry.uncertainty.toFixed(2)));
        const preview = el('td', entry.preview, 'preview');
        preview.dir = 'auto';
        row.appendChild(preview);
        row.appendChild(el('td', entry.source));
        row.appendChild(el('td', entry.models.join(', ')));
        row.appendChild(el('td', entry.flags.join(', ')));
        row.appendChild(el('td', entry.reviewers));
        row.addEventListener('click', () => openItem(entry.prompt_id));
        body.appendChild(row);
      });
      const end = Math.min(page.offset + page.entries.length, page.total);
      $('page-info').textContent = (page.total ? page.offset + 1 : 0) + '–' + end + ' of ' + page.total;
      $('page-prev').disabled = page.offset === 0;
      $('page-next').disabled = end >= page.total;
    }

    async function showQueue() {
      $('item-view').hidden = true;
      $('queue-view').hidden = false;
      state.item = null;
      if (location.hash !== '#/queue') history.replaceState(null, '', '#/queue');
      await loadPage();
      state.selected = Math.min(state.selected, Math.max(0, state.page.entries.length - 1));
      renderQueue();
    }

    async function turnPage(delta) {
      state.offset = Math.max(0, state.offset + delta * state.limit);
      state.selected = 0;
      await showQueue();
    }

    async function showConflicts() {
      const conflicts = await api('/api/conflicts');
      const section = $('conflicts');
      const list = section.querySelector('ul');
      list.replaceChildren();
      for (const conflict of conflicts) {
        const li = el('li');
        const open = el('button', conflict.prompt_id);
        open.type = 'button';
        open.addEventListener('click', () => openItem(conflict.prompt_id));
        li.appendChild(open);
        li.appendChild(document.createTextNode(' ' + conflict.labels.map((l) => l.reviewer + ': ' + l.verdict).join(', ')));
        list.appendChild(li);
      }
      if (!conflicts.length) list.appendChild(el('li', 'none'));
      section.hidden = false;
    }

    // ---- item ---------------------------------------------------------------------------

    async function openItem(promptId) {
      const item = await api('/api/item?prompt_id=' + encodeURIComponent(promptId));
      state.item = item;
      if (state.page) {
        const index = state.page.entries.findIndex((e) => e.prompt_id === promptId);
        if (index >= 0) state.selected = index;
      }
      const hash = '#/item/' + encodeURIComponent(promptId);
      if (location.hash !== hash) history.pushState(null, '', hash);
      saveState();
      renderItem();
    }

    function renderItem() {
      const item = state.item;
      $('queue-view').hidden = true;
      $('item-view').hidden = false;
      const position = state.page ? state.page.offset + state.selected + 1 : item.ordinal;
      $('item-position').textContent = 'item ' + position + (state.page ? ' of ' + state.page.total : '') + ' · ' + item.prompt_id;
      $('item-meta').textContent = 'source ' + item.source + ' · uncertainty ' + item.uncertainty.score.toFixed(2) +
        (item.uncertainty.reasons.length ? ' (' + item.uncertainty.reasons.join(', ') + ')' : '');

      const conversation = $('conversation');
      conversation.replaceChildren();
      for (const message of item.messages) {
        const box = el('div', null, 'message');
        box.appendChild(el('div', message.role, 'role'));
        const body = el('div', null, 'body');
        renderMarkdown(message.content, body);
        box.appendChild(body);
        conversation.appendChild(box);
      }
      if (item.reference) {
        const box = el('div', null, 'message');
        box.appendChild(el('div', 'reference', 'role'));
        const body = el('div', null, 'body');
        renderMarkdown(item.reference, body);
        box.appendChild(body);
        conversation.appendChild(box);
      }

      const mine = item.labels.find((l) => l.reviewer === state.reviewer);
      const aspects = item.aspects.map((a) => a.aspect);
      const completions = $('completions');
      completions.replaceChildren();
      for (const completion of item.completions) {
        const card = el('div', null, 'completion');
        card.dataset.letter = completion.letter;
        if (item.pair.chosen === completion.index) card.classList.add('chosen');
        if (item.pair.rejected === completion.index) card.classList.add('rejected');
        if (mine && mine.verdict === completion.letter) card.classList.add('mine');
        card.appendChild(el('h3', completion.letter + ' · ' + completion.model));
        const scores = [];
        if (completion.fine_grained !== null && completion.fine_grained !== undefined) scores.push('fine-grained ' + completion.fine_grained.toFixed(2));
        if (completion.overall !== null && completion.overall !== undefined) scores.push('overall ' + completion.overall);
        for (const [aspect, rating] of Object.entries(completion.ratings)) scores.push(aspect + ' ' + rating);
        for (const [judge, score] of Object.entries(completion.scores)) scores.push(judge + ' ' + Number(score).toFixed(3));
        card.appendChild(el('div', scores.join(' · '), 'scores'));
        if (completion.flags.length) card.appendChild(el('div', 'flags: ' + completion.flags.join(', '), 'flags'));
        const pick = el('button', completion.letter + ' is better (' + (completion.index + 1) + ')', 'pick');
        pick.type = 'button';
        pick.dataset.verdict = completion.letter;
        pick.addEventListener('click', () => submit(completion.letter));
        card.appendChild(pick);
        const body = el('div', null, 'body');
        renderMarkdown(completion.response, body);
        card.appendChild(body);
        if (aspects.length) {
          const ratings = el('div', null, 'aspect-ratings');
          ratings.appendChild(el('span', 'Your ratings: '));
          for (const aspect of aspects) {
            const select = el('select');
            select.dataset.key = completion.letter + '/' + aspect;
            select.title = aspect;
            select.appendChild(el('option', aspect + ' –'));
            select.options[0].value = '';
            for (let r = 1; r <= 5; r++) {
              const option = el('option', aspect + ' ' + r);
              option.value = String(r);
              select.appendChild(option);
            }
            const previous = mine && mine.aspects ? mine.aspects[select.dataset.key] : undefined;
            if (previous) select.value = String(previous);
            ratings.appendChild(select);
          }
          card.appendChild(ratings);
        }
        completions.appendChild(card);
      }
      $('note').value = mine && mine.note ? mine.note : '';

      const pair = $('pair');
      pair.replaceChildren();
      const letter = (index) => (index === null || index === undefined) ? '–' : item.completions[index].letter;
      pair.appendChild(el('p', item.pair.dropped
        ? 'Pair now: none (' + item.pair.dropped + ', ' + item.pair.label_source + ')'
        : 'Pair now: chosen ' + letter(item.pair.chosen) + ', rejected ' + letter(item.pair.rejected) + ' (' + item.pair.label_source + ')'));

      const labels = $('labels');
      labels.replaceChildren();
      if (item.conflict) labels.appendChild(el('p', 'Reviewers disagree: the judges\' labels stand until they agree.', 'conflict'));
      if (item.labels.length) {
        const list = el('ul');
        for (const label of item.labels) {
          list.appendChild(el('li', label.reviewer + ': ' + label.verdict + ' at ' + label.created_at + (label.note ? ' — ' + label.note : '')));
        }
        labels.appendChild(list);
      }

      const votes = $('votes');
      votes.replaceChildren();
      for (const aspect of item.aspects) {
        votes.appendChild(el('h3', aspect.aspect));
        const table = el('table');
        const head = el('tr');
        for (const title of ['Judge', 'Answer', 'Rating', 'Verdict', 'Read', 'Rationale']) head.appendChild(el('th', title));
        table.appendChild(head);
        for (const vote of aspect.votes) {
          const row = el('tr');
          row.appendChild(el('td', vote.judge));
          row.appendChild(el('td', item.completions[vote.completion] ? item.completions[vote.completion].letter : vote.completion));
          row.appendChild(el('td', vote.not_applicable ? 'N/A' : (vote.rating === null || vote.rating === undefined ? '–' : vote.rating)));
          const versus = vote.opponent !== null && vote.opponent !== undefined && item.completions[vote.opponent]
            ? ' vs ' + item.completions[vote.opponent].letter + (vote.position !== null && vote.position !== undefined ? ' (shown ' + (vote.position === 0 ? 'first' : 'second') + ')' : '') : '';
          row.appendChild(el('td', (vote.verdict || '') + versus));
          row.appendChild(el('td', vote.parse));
          const rationale = el('td', vote.rationale || '', /\S{400}/.test(vote.rationale || '') ? 'rationale unbroken' : 'rationale');
          rationale.dir = 'auto';
          row.appendChild(rationale);
          table.appendChild(row);
        }
        votes.appendChild(table);
      }
    }

    function aspectRatings() {
      const ratings = {};
      for (const select of $('completions').querySelectorAll('select[data-key]')) {
        if (select.value) ratings[select.dataset.key] = Number(select.value);
      }
      return Object.keys(ratings).length ? ratings : undefined;
    }

    async function submit(verdict) {
      if (!state.item || state.busy) return;
      if (!state.reviewer) { setStatus('enter your name first'); $('reviewer').focus(); return; }
      state.busy = true;
      try {
        const answer = await api('/api/label', {
          prompt_id: state.item.prompt_id, reviewer: state.reviewer, verdict: verdict,
          aspects: aspectRatings(), note: $('note').value || undefined,
        });
        showProgress(answer.progress);
        setStatus('saved ' + verdict + ' for ' + state.item.prompt_id);
        await move(1);
      } catch (error) {
        setStatus('not saved: ' + error.message);
      } finally {
        state.busy = false;
      }
    }

    async function undo() {
      if (!state.reviewer) return;
      try {
        const answer = await api('/api/undo', { reviewer: state.reviewer });
        showProgress(answer.progress);
        if (answer.label) {
          setStatus('took back ' + answer.label.verdict + ' for ' + answer.label.prompt_id);
          await openItem(answer.label.prompt_id);
        } else {
          setStatus('nothing to undo');
        }
      } catch (error) {
        setStatus('undo failed: ' + error.message);
      }
    }

    // The next (delta 1) or previous (-1) item of the queue, across pages.
    async function move(delta) {
      if (!state.page) await loadPage();
      let index = state.selected + delta;
      if (index >= state.page.entries.length) {
        if (state.page.offset + state.page.entries.length >= state.page.total) { setStatus('end of the queue'); return; }
        state.offset += state.limit;
        await loadPage();
        index = 0;
      } else if (index < 0) {
        if (state.page.offset === 0) return;
        state.offset = Math.max(0, state.offset - state.limit);
        await loadPage();
        index = state.page.entries.length - 1;
      }
      state.selected = index;
      const entry = state.page.entries[index];
      if (entry) await openItem(entry.prompt_id);
    }

    // ---- state, keys, start ---------------------------------------------------------------

    function saveState() {
      sessionStorage.setItem('prefab-review', JSON.stringify({ filter: state.filter, offset: state.offset, selected: state.selected }));
    }

    function restoreState() {
      try {
        const saved = JSON.parse(sessionStorage.getItem('prefab-review') || 'null');
        if (saved) {
          Object.assign(state.filter, saved.filter || {});
          state.offset = saved.offset || 0;
          state.selected = saved.selected || 0;
        }
      } catch (e) { /* a bad saved state starts afresh */ }
    }

    function fillFilters() {
      for (const select of document.querySelectorAll('#filters select[data-facet]')) {
        const facet = select.dataset.facet;
        select.replaceChildren();
        const any = el('option', 'any');
        any.value = '';
        select.appendChild(any);
        for (const entry of state.facets[facet] || []) {
          const option = el('option', entry.value + ' (' + entry.count + ')');
          option.value = entry.value;
          select.appendChild(option);
        }
        select.value = state.filter[facet] || '';
        select.addEventListener('change', () => { state.filter[facet] = select.value; state.offset = 0; state.selected = 0; showQueue(); });
      }
      const status = $('filter-status');
      for (const value of state.statuses) {
        const option = el('option', value);
        option.value = value;
        status.appendChild(option);
      }
      status.value = state.filter.status || 'all';
      status.addEventListener('change', () => { state.filter.status = status.value; state.offset = 0; state.selected = 0; showQueue(); });
    }

    function onKey(event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) {
        if (event.key === 'Escape') target.blur();
        return;
      }
      const key = event.key;
      if (!$('item-view').hidden) {
        if (/^[1-9]$/.test(key)) {
          const completion = state.item && state.item.completions[Number(key) - 1];
          if (completion) submit(completion.letter);
        } else if (key === '0') submit('tie');
        else if (key === 'x') submit('both_bad');
        else if (key === 'u') undo();
        else if (key === 'j') move(1);
        else if (key === 'k') move(-1);
        else if (key === 'q' || key === 'Escape') showQueue();
        else return;
        event.preventDefault();
      } else if (!$('queue-view').hidden && state.page) {
        if (key === 'j') state.selected = Math.min(state.selected + 1, state.page.entries.length - 1);
        else if (key === 'k') state.selected = Math.max(state.selected - 1, 0);
        else if (key === 'Enter') { const e = state.page.entries[state.selected]; if (e) openItem(e.prompt_id); return; }
        else if (key === 'c') { showConflicts(); return; }
        else if (key === 'u') { undo(); return; }
        else return;
        event.preventDefault();
        renderQueue();
      }
    }

    async function route() {
      const match = /^#\/item\/(.+)$/.exec(location.hash);
      try {
        if (match) {
          if (!state.page) await loadPage();
          await openItem(decodeURIComponent(match[1]));
        } else {
          await showQueue();
        }
      } catch (error) {
        setStatus(error.message);
      }
    }

    async function start() {
      const params = new URLSearchParams(location.search);
      const config = await api('/api/config');
      state.facets = config.facets;
      state.statuses = config.statuses;
      state.total = config.total;
      state.reviewer = params.get('reviewer') || localStorage.getItem('prefab-reviewer') || config.reviewer || '';
      localStorage.setItem('prefab-reviewer', state.reviewer);
      const name = $('reviewer');
      name.value = state.reviewer;
      name.addEventListener('change', () => {
        state.reviewer = name.value.trim();
        localStorage.setItem('prefab-reviewer', state.reviewer);
      });
      // The token (if any) now lives in a cookie; keep it out of the address bar and history.
      if (params.has('token')) {
        params.delete('token');
        const rest = params.toString();
        history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
      }
      restoreState();
      fillFilters();
      $('page-prev').addEventListener('click', () => turnPage(-1));
      $('page-next').addEventListener('click', () => turnPage(1));
      $('to-queue').addEventListener('click', () => showQueue());
      $('prev').addEventListener('click', () => move(-1));
      $('next').addEventListener('click', () => move(1));
      $('tie').addEventListener('click', () => submit('tie'));
      $('both-bad').addEventListener('click', () => submit('both_bad'));
      $('undo').addEventListener('click', () => undo());
      document.addEventListener('keydown', onKey);
      window.addEventListener('popstate', route);
      await route();
      document.body.dataset.ready = 'true';
    }

    document.addEventListener('DOMContentLoaded', () => { start().catch((error) => setStatus(error.message)); });
    """#
}
