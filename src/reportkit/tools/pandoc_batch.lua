-- reportkit: many conversions in one pandoc process (`pandoc lua pandoc_batch.lua`, driven by
-- tools/pandoc.py `convert`).
--
-- Each document goes through what `pandoc -f FROM -t TO --wrap=none [--template=T] [--toc
-- --toc-depth=N] [--metadata ...] [--lua-filter=F] [--citeproc]` does with it, in that order:
-- read, set the metadata, run the filter, process the citations, write. A pandoc process pays
-- its start and citeproc's first-use setup once, not once per document, which is most of what
-- a page costs on the command line.
--
-- Input (stdin, JSON): { abbreviations = [...], documents = [ { text, from, to, metadata,
-- template?, toc_depth?, filter?, citeproc } ] }. Output (stdout): one JSON line per document,
-- in order, { output = text } or { error = message }; nothing more after the first error.

local request = pandoc.json.decode(io.read("a"), false)

-- the command line's reader options: its abbreviations file (a set here) and 72 columns
local abbreviations = {}
for _, abbreviation in ipairs(request.abbreviations) do
  abbreviations[abbreviation] = true
end
local reader_options = pandoc.ReaderOptions({ abbreviations = abbreviations, columns = 72 })

local templates, filters = {}, {}

local function template(path)
  if not templates[path] then
    local file = assert(io.open(path, "r"))
    templates[path] = pandoc.template.compile(file:read("a"), path)
    file:close()
  end
  return templates[path]
end

-- A filter file is run afresh for each document, as the command line runs it once per
-- document: its local state (counters, what its Meta function read) starts empty each time.
local function filter(path)
  if not filters[path] then
    filters[path] = assert(loadfile(path))
  end
  return filters[path]()
end

local function convert(document)
  local doc = pandoc.read(document.text, document.from, reader_options)
  for key, value in pairs(document.metadata) do
    doc.meta[key] = value
  end
  if document.filter then
    for _, f in ipairs(filter(document.filter)) do
      doc = doc:walk(f)
    end
  end
  if document.citeproc then
    doc = pandoc.utils.citeproc(doc)
  end
  local options = { wrap_text = "none" }
  if document.toc_depth then
    options.table_of_contents = true
    options.toc_depth = document.toc_depth
  end
  if document.template then
    options.template = template(document.template)
    return pandoc.write(doc, document.to, options)
  end
  -- without a template the command line ends the output with a newline
  return pandoc.write(doc, document.to, options) .. "\n"
end

for _, document in ipairs(request.documents) do
  local ok, result = pcall(convert, document)
  io.write(pandoc.json.encode(ok and { output = result } or { error = tostring(result) }), "\n")
  io.stdout:flush()
  if not ok then
    break
  end
end
