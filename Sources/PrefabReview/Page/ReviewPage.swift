/// The review page: one HTML file, one script, one stylesheet, compiled into the binary so an
/// installed `prefab` serves them from anywhere and nothing is loaded from elsewhere.
///
/// The HTML has no inline script or style (the Content-Security-Policy forbids both). The script
/// puts every text from the data into the page with `textContent` or as text nodes, and renders
/// markdown by building elements itself (`review.js`, `renderMarkdown`), so no raw HTML from a
/// prompt or an answer is ever parsed.
enum ReviewPage {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Prefab review</title>
    <link rel="stylesheet" href="/review.css">
    <script src="/review.js" defer></script>
    </head>
    <body>
    <header>
      <h1>Prefab review</h1>
      <label>Reviewer <input id="reviewer" autocomplete="off" maxlength="64"></label>
      <span id="progress" aria-live="polite"></span>
      <span id="status" role="status"></span>
    </header>
    <main>
      <section id="queue-view" hidden>
        <form id="filters">
          <label>Model <select id="filter-model" data-facet="model"></select></label>
          <label>Source <select id="filter-source" data-facet="source"></select></label>
          <label>Aspect <select id="filter-aspect" data-facet="aspect"></select></label>
          <label>Flag <select id="filter-flag" data-facet="flag"></select></label>
          <label>Status <select id="filter-status"></select></label>
        </form>
        <table id="queue">
          <thead><tr><th>#</th><th>Uncertainty</th><th>Prompt</th><th>Source</th><th>Models</th><th>Flags</th><th>Reviewers</th></tr></thead>
          <tbody></tbody>
        </table>
        <nav class="pager">
          <button type="button" id="page-prev">Previous page</button>
          <span id="page-info"></span>
          <button type="button" id="page-next">Next page</button>
        </nav>
        <p class="keys">Keys: j/k move, Enter opens, c shows conflicts.</p>
        <section id="conflicts" hidden><h2>Conflicts</h2><ul></ul></section>
      </section>
      <section id="item-view" hidden>
        <nav class="item-nav">
          <button type="button" id="to-queue">Queue (q)</button>
          <button type="button" id="prev">Previous (k)</button>
          <button type="button" id="next">Next (j)</button>
          <span id="item-position"></span>
        </nav>
        <div id="item-meta"></div>
        <h2>Prompt</h2>
        <div id="conversation"></div>
        <h2>Answers</h2>
        <div id="completions"></div>
        <div class="verdicts">
          <button type="button" id="tie">Tie (0)</button>
          <button type="button" id="both-bad">Both bad (x)</button>
          <button type="button" id="undo">Undo (u)</button>
          <label class="note">Note <textarea id="note" rows="2"></textarea></label>
        </div>
        <div id="pair"></div>
        <div id="labels"></div>
        <h2>Judges' votes</h2>
        <div id="votes"></div>
        <p class="keys">Keys: 1–9 pick that answer as better, 0 tie, x both bad, u undo, j/k next/previous, q queue.</p>
      </section>
    </main>
    </body>
    </html>
    """#

    static let style = #"""
    :root { color-scheme: light dark; --line: #8884; --accent: #2a6fdb; --chosen: #2e8b57; --rejected: #c0392b; }
    * { box-sizing: border-box; }
    body { font: 15px/1.45 system-ui, sans-serif; margin: 0; }
    header { display: flex; gap: 1rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
    header h1 { font-size: 1.1rem; margin: 0; }
    main { padding: 0 1rem 2rem; }
    #status { color: var(--rejected); }
    #filters { display: flex; gap: .75rem; flex-wrap: wrap; margin: .75rem 0; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    #queue tbody tr { cursor: pointer; }
    #queue tbody tr.selected { outline: 2px solid var(--accent); }
    #queue tbody tr.reviewed td:first-child::after { content: " ✓"; color: var(--chosen); }
    td.preview { max-width: 40rem; overflow-wrap: break-word; }
    .pager, .item-nav, .verdicts { display: flex; gap: .5rem; align-items: center; margin: .75rem 0; flex-wrap: wrap; }
    .keys { color: #888; font-size: .85rem; }
    #conversation .message { border-left: 3px solid var(--line); padding: .25rem .75rem; margin: .5rem 0; }
    .role { font-weight: 600; font-size: .8rem; text-transform: uppercase; color: #888; }
    #completions { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1rem; }
    .completion { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; min-width: 0; }
    .completion.chosen { border-color: var(--chosen); }
    .completion.rejected { border-color: var(--rejected); }
    .completion.mine { box-shadow: 0 0 0 3px var(--accent); }
    .completion h3 { margin: .25rem 0; font-size: 1rem; }
    .body { overflow-wrap: break-word; max-height: 36rem; overflow: auto; }
    .unbroken, .body .unbroken { overflow-wrap: normal; }
    .body pre { overflow: auto; padding: .5rem; background: #8881; border-radius: 4px; }
    .body code { font-family: ui-monospace, monospace; font-size: .9em; }
    .scores, .flags { font-size: .85rem; color: #888; }
    .aspect-ratings select { margin-right: .5rem; }
    button { font: inherit; padding: .3rem .7rem; cursor: pointer; }
    button.pick { font-weight: 600; }
    .rationale { white-space: pre-wrap; overflow-wrap: break-word; max-width: 50rem; }
    .note textarea { width: 24rem; max-width: 100%; vertical-align: top; }
    .conflict { color: var(--rejected); font-weight: 600; }
    """#
}
