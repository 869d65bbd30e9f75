-- reportkit: pandoc elements the HTML pages need in another shape.
-- (The HTML counterpart of typst.lua: every fix-up of the pages is done here, on pandoc's
-- AST, never by rewriting the HTML afterwards.)
--
-- Tables: no inline styles (the site's Content-Security-Policy forbids them), so a column's
-- alignment becomes a class on its cells (`align-left`...) and pandoc's relative column
-- widths (a <colgroup> of styled <col>s) are dropped.
--
-- Statistics and claims get their provenance: the site writer gives, for each statistic and
-- claim the page uses, the HTML to put around a statistic's span and after a claim's span
-- (the `reportkit-provenance` metadata field, a map of strings that tools/pandoc.py sets after
-- reading the page; `@N@` stands for the note's number on the page).
--
-- A table is wrapped in a focusable, labelled region so that a table wider than a
-- phone's screen scrolls inside its own box, not the page (WCAG 2.1, 1.4.10 Reflow).
-- Its label is the table's caption: the float caption just before it (a `tbl-` cell),
-- else pandoc's own caption, else the page language's word for "table" and a count.

local table_word = "Table"
local count = 0

local function caption_before(blocks, i)
  local previous = blocks[i - 1]
  if previous and previous.t == "Div" and previous.classes:includes("float-caption") then
    return pandoc.utils.stringify(previous)
  end
  return ""
end

local function scroll_box(tbl, label)
  -- attributes as a list of pairs: a Lua table keyed by name has no fixed order, and the
  -- page's bytes must not change from one build to the next
  return pandoc.Div({ tbl }, pandoc.Attr("", { "table-scroll" }, {
    { "role", "region" }, { "tabindex", "0" }, { "aria-label", label },
  }))
end

local function wrap_tables(blocks)
  for i, block in ipairs(blocks) do
    if block.t == "Table" then
      count = count + 1
      local label = caption_before(blocks, i)
      if label == "" then label = pandoc.utils.stringify(block.caption.long) end
      if label == "" then label = table_word .. " " .. count end
      blocks[i] = scroll_box(block, label)
    end
  end
  return blocks
end

local ALIGN_CLASS = { AlignLeft = "align-left", AlignRight = "align-right", AlignCenter = "align-center" }

local function unstyled_table(tbl)
  local aligns = {}
  for i, spec in ipairs(tbl.colspecs) do
    aligns[i] = spec[1]
    tbl.colspecs[i] = { pandoc.AlignDefault, pandoc.ColWidthDefault }
  end
  -- a cell's column by counting spans (the Markdown tables pandoc reads here have no row spans)
  local function classes(rows)
    for _, row in ipairs(rows) do
      local column = 1
      for _, cell in ipairs(row.cells) do
        local align = cell.alignment
        if align == pandoc.AlignDefault then align = aligns[column] end
        if ALIGN_CLASS[align] then cell.classes:insert(ALIGN_CLASS[align]) end
        cell.alignment = pandoc.AlignDefault
        column = column + cell.col_span
      end
    end
  end
  classes(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    classes(body.head)
    classes(body.body)
  end
  classes(tbl.foot.rows)
  return tbl
end

local provenance = { stats = {}, claims = {} }
local stat_count, claim_count = 0, 0

local function numbered(html, n)
  return pandoc.RawInline("html", (html:gsub("@N@", tostring(n))))
end

local function provenance_span(span)
  local stat = provenance.stats[span.attributes["data-stat"] or ""]
  if stat and #span.classes == 1 and span.classes[1] == "stat" and #span.attributes == 1 then
    stat_count = stat_count + 1
    local out = pandoc.Inlines({ numbered(stat.open, stat_count) })
    out:extend(span.content)
    out:insert(numbered(stat.close, stat_count))
    return out
  end
  local claim = provenance.claims[span.attributes["data-claim"] or ""]
  if claim and span.classes:includes("claim") then
    claim_count = claim_count + 1
    return { span, numbered(claim.after, claim_count) }
  end
end

function Meta(meta)
  if meta["reportkit-table-label"] then
    table_word = pandoc.utils.stringify(meta["reportkit-table-label"])
  end
  if meta["reportkit-provenance"] then
    provenance = meta["reportkit-provenance"]
  end
end

return { { Meta = Meta }, { Blocks = wrap_tables, Table = unstyled_table, Span = provenance_span } }
