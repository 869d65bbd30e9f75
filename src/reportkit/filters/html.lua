-- reportkit: pandoc elements the HTML pages need in another shape.
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

function Meta(meta)
  if meta["reportkit-table-label"] then
    table_word = pandoc.utils.stringify(meta["reportkit-table-label"])
  end
end

return { { Meta = Meta }, { Blocks = wrap_tables } }
