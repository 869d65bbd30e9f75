-- reportkit: pandoc Markdown elements the typst writer would flatten.
-- Statistics become links to their provenance row in the site's appendix (the
-- link target carries the statistic's id, which the PDF figure checks read back);
-- callouts become styled blocks.

-- without a data & sources appendix, the registry itself (published under _site/data/)
local appendix = "../data/statistics.csv"

function Meta(meta)
  local page = meta["reportkit-appendix"] and pandoc.utils.stringify(meta["reportkit-appendix"])
  if page and page ~= "" then
    appendix = page
  end
end

local function stat_span(el)
  local id = el.attributes["data-stat"]
  if id and el.classes:includes("stat") then
    local target = appendix .. "#stat-" .. id
    -- in a box, so a figure is never broken across lines (US$15 | 億 would read as two figures)
    return { pandoc.RawInline("typst", "#box["), pandoc.Link(el.content, target), pandoc.RawInline("typst", "]") }
  end
end

local function callout(el)
  for _, class in ipairs(el.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind then
      local blocks = { pandoc.RawBlock("typst", '#callout(kind: "' .. kind .. '")[') }
      for _, b in ipairs(el.content) do table.insert(blocks, b) end
      table.insert(blocks, pandoc.RawBlock("typst", "]"))
      return blocks
    end
  end
end

local function title_span(el)
  if el.classes:includes("callout-title") then
    return pandoc.Strong(el.content)
  end
end

return {
  { Meta = Meta },
  { Span = function(el) return stat_span(el) or title_span(el) end, Div = callout },
}
