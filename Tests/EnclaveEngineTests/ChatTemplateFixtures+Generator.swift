// Enclave: how ChatTemplateFixtures.swift is generated (kept here so the fixtures can be regenerated and reviewed).
//
// Save the two Python files below as gen.py and templates.py, then run (Python 3.11, Jinja2 3.1):
//
//     python3 gen.py models/SmolLM2-135M-Instruct.Q4_1.gguf > Tests/EnclaveEngineTests/ChatTemplateFixtures.swift
//
// templates.py holds the models' own chat templates (from their tokenizer_config.json files on Hugging Face, or the
// GGUF file for SmolLM2); gen.py renders them and the feature cases with jinja2 configured as transformers does
// (`_compile_jinja_template`: ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True) with the
// AssistantTracker `generation` tag and loopcontrols, `raise_exception` and `strftime_now` globals, and a `tojson`
// filter calling json.dumps with ensure_ascii=False).

/* ---- gen.py ----
"""Generates Tests/EnclaveEngineTests/ChatTemplateFixtures.swift: real chat templates, conversations, and what
Hugging Face's renderer (jinja2 with transformers' settings) produces for them."""
import json, struct, sys
from datetime import datetime
import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
import templates as T

FIXED_NOW = datetime(2024, 7, 26, 12, 0, 0)  # 1721995200 as UTC noon; date-only formats render the same in any TZ within +-11h

def raise_exception(message):
    raise TemplateError(message)

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

class Generation(Extension):
    """Hugging Face's {% generation %} tag (AssistantTracker): renders its body unchanged."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[Generation, loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda fmt: FIXED_NOW.strftime(fmt)

def gguf_template(path):
    d = open(path, 'rb').read(4_000_000)
    off = 8; nt, nkv = struct.unpack_from('<QQ', d, off); off += 16
    def rs(off):
        n, = struct.unpack_from('<Q', d, off); return d[off+8:off+8+n].decode(), off + 8 + n
    sizes = {0:1,1:1,2:2,3:2,4:4,5:4,6:4,7:1,10:8,11:8,12:8}
    def skip(t, off):
        if t == 8: return rs(off)[1]
        if t == 9:
            et, n = struct.unpack_from('<IQ', d, off); off += 12
            for _ in range(n): off = skip(et, off)
            return off
        return off + sizes[t]
    for _ in range(nkv):
        k, off = rs(off); t, = struct.unpack_from('<I', d, off); off += 4
        if k == 'tokenizer.chat_template': return rs(off)[0]
        off = skip(t, off)

SMOLLM2 = gguf_template(sys.argv[1])

TEMPLATES = [  # (swift name, source, bos, eos, where it comes from)
    ("smolLM2", SMOLLM2, "<|im_start|>", "<|im_end|>", "HuggingFaceTB/SmolLM2-135M-Instruct (read from the GGUF file)"),
    ("qwen2", T.QWEN2, "", "<|im_end|>", "Qwen/Qwen2-0.5B-Instruct"),
    ("llama2", T.LLAMA2, "<s>", "</s>", "meta-llama/Llama-2-7b-chat-hf"),
    ("llama3", T.LLAMA3, "<|begin_of_text|>", "<|eot_id|>", "meta-llama/Meta-Llama-3-8B-Instruct"),
    ("llama31", T.LLAMA31, "<|begin_of_text|>", "<|eot_id|>", "meta-llama/Llama-3.1-8B-Instruct (same as Llama-3.3-70B-Instruct)"),
    ("llama32", T.LLAMA32, "<|begin_of_text|>", "<|eot_id|>", "meta-llama/Llama-3.2-3B-Instruct (prints strftime_now)"),
    ("mistralV01Original", T.MISTRAL_V01_ORIGINAL, "<s>", "</s>", "mistralai/Mistral-7B-Instruct-v0.1 (2023 template)"),
    ("mixtralOriginal", T.MIXTRAL_ORIGINAL, "<s>", "</s>", "mistralai/Mistral-7B-Instruct-v0.2 and Mixtral-8x7B-Instruct-v0.1 (2023 template)"),
    ("mistralInstruct", T.MISTRAL_INSTRUCT, "<s>", "</s>", "mistralai/Mistral-7B-Instruct-v0.1/v0.2, Mixtral (2024 template with system message)"),
    ("mistralV03", T.MISTRAL_V03, "<s>", "</s>", "mistralai/Mistral-7B-Instruct-v0.3"),
    ("gemma2", T.GEMMA2, "<bos>", "<eos>", "google/gemma-2-2b-it"),
    ("gemma3", T.GEMMA3, "<bos>", "<eos>", "google/gemma-3-1b-it"),
    ("zephyr", T.ZEPHYR, "<s>", "</s>", "TinyLlama/TinyLlama-1.1B-Chat-v1.0 and HuggingFaceH4/zephyr-7b-beta"),
]

CONVERSATIONS = [  # (swift name, messages, add_generation_prompt)
    ("userOnly", [("user", "Hello!")], True),
    ("systemAndUser", [("system", "You are a concise assistant."), ("user", "What is 2+2?")], True),
    ("multiTurn", [("system", "Be brief."), ("user", "Hi there"), ("assistant", "Hello! How can I help?"),
                   ("user", "  Tell me a joke.  ")], True),
    ("multiTurnNoSystemNoPrompt", [("user", "Hi"), ("assistant", "Hello!"), ("user", "Bye")], False),
    ("endsWithAssistant", [("user", "Ping"), ("assistant", " Pong\n")], False),
    ("unicode", [("user", "Grüße 👋 — \"quotes\" and 'apostrophes'\nnew line\ttab {{ not jinja }}")], True),
    ("notAlternating", [("user", "a"), ("user", "b")], True),
]

WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}},
                   "required": ["city"]}}}
TOOL_CASES = [  # (swift name, template, messages, extra variables)
    ("llama31ToolsInUserMessage", "llama31", [("system", "Be brief."), ("user", "Weather in Paris?")], {"tools": [WEATHER_TOOL]}),
    ("llama31ToolsInSystem", "llama31", [("user", "Weather in Paris?")], {"tools": [WEATHER_TOOL], "tools_in_user_message": False}),
    ("llama31BuiltinTools", "llama31", [("user", "Search it")], {"builtin_tools": ["brave_search", "code_interpreter"]}),
    ("mistralV03Tools", "mistralV03", [("user", "Hi"), ("assistant", "Hello"), ("user", "Weather in Paris?")], {"tools": [WEATHER_TOOL]}),
]

def render(source, **ctx):
    try:
        return ("output", env.from_string(source).render(**ctx))
    except TemplateError as e:
        kind = "raised" if type(e) is TemplateError else "runtime"
        return (kind, str(e))
    except Exception as e:
        return ("runtime", "%s: %s" % (type(e).__name__, e))

def swift_string(s):
    out = []
    for ch in s:
        c = ord(ch)
        if ch == '\\': out.append('\\\\')
        elif ch == '"': out.append('\\"')
        elif ch == '\n': out.append('\\n')
        elif ch == '\r': out.append('\\r')
        elif ch == '\t': out.append('\\t')
        elif c < 0x20 or c == 0x7f or not ch.isprintable(): out.append('\\u{%x}' % c)
        else: out.append(ch)
    return '"' + ''.join(out) + '"'

def swift_value(v):
    if v is None: return "nil"
    if v is True: return "true"
    if v is False: return "false"
    if isinstance(v, int): return str(v)
    if isinstance(v, float): return repr(v)
    if isinstance(v, str): return swift_string(v)
    if isinstance(v, list): return "[" + ", ".join(swift_value(x) for x in v) + "]"
    if isinstance(v, dict):
        if not v: return "[:]"
        return "[" + ", ".join("%s: %s" % (swift_string(k), swift_value(x)) for k, x in v.items()) + "]"
    raise TypeError(v)

def swift_expected(result):
    kind, text = result
    return ".%s(%s)" % (kind, swift_string(text))

FEATURES = [  # (name, template, context)
    ("text", "plain text", {}),
    ("print", "a{{ x }}b", {"x": "X"}),
    ("undefinedPrintsNothing", "[{{ missing }}]", {}),
    ("noneAndBooleans", "{{ none }} {{ true }} {{ false }} {{ None }} {{ True }}", {}),
    ("numbers", "{{ 1 + 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 * 3 - 1 }} {{ -4 }} {{ 1.5 + 1 }} {{ 1 / 2 }} {{ 4 / 2 }} {{ 2 ** 10 }} {{ 1e3 }} {{ 0.1 + 0.2 }} {{ 1_000 }}", {}),
    ("stringEscapes", "{{ 'a\\nb\\t\"c\"' }}|{{ \"it's\" }}|{{ '\\u00e9\\x41\\\\' }}|{{ 'ab' 'cd' }}", {}),
    ("comment", "a{# gone #}b", {}),
    ("trimBlocks", "{% if true %}\nx\n{% endif %}\ny", {}),
    ("lstripBlocks", "a\n    {% if true %}\n    b\n    {% endif %}\nc", {}),
    ("lstripComment", "a\n  {# c #}\n  b", {}),
    ("lstripNotForPrint", "a\n  {{ 'x' }}\n", {}),
    ("minusTrims", "a   {{- 'b' -}}   c  {%- if true -%}  d  {%- endif %}", {}),
    ("plusDisablesLstrip", "a\n  {%+ if true %}x{% endif +%}\ny", {}),
    ("trailingNewlineDropped", "{{ 'a' }}\n{{ 'b' }}\n", {}),
    ("crlfNormalised", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n", {}),
    ("lineStartingAfterBlock", "{% if true %}\n  {% if true %}\n  x\n  {% endif %}\n{% endif %}\n", {}),
    ("raw", "{% raw %}{{ not evaluated }}{% endraw %}!", {}),
    ("ifElifElse", "{% for n in [1, 2, 3] %}{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %},{% endfor %}", {}),
    ("loopVariables", "{% for x in items %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.previtem }}{{ loop.nextitem }};{% endfor %}", {"items": ["a", "b", "c"]}),
    ("loopCycle", "{% for x in [1, 2, 3] %}{{ loop.cycle('odd', 'even') }} {% endfor %}", {}),
    ("forElse", "{% for x in [] %}x{% else %}empty{% endfor %}", {}),
    ("forFilter", "{% for x in [1, 2, 3, 4] if x % 2 == 0 %}{{ loop.index }}:{{ x }}/{{ loop.length }}{% if not loop.last %},{% endif %}{% endfor %}", {}),
    ("forUnpack", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for (a, b) in [[1, 2]] %}{{ a + b }}{% endfor %}", {"d": {"x": 1, "y": "z"}}),
    ("forOverDictAndString", "{% for k in d %}{{ k }}{% endfor %}|{% for c in 'héllo' %}{{ c }}.{% endfor %}", {"d": {"b": 1, "a": 2}}),
    ("breakContinue", "{% for n in [1, 2, 3, 4] %}{% if n == 2 %}{% continue %}{% endif %}{% if n == 4 %}{% break %}{% endif %}{{ n }}{% endfor %}", {}),
    ("loopScopes", "{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = x + 10 %}{{ x }};{% endfor %}{{ x }}|{% if true %}{% set y = 3 %}{% endif %}{{ y }}", {}),
    ("namespace", "{% set ns = namespace(total=0, seen=false) %}{% for x in [1, 2, 3] %}{% set ns.total = ns.total + x %}{% if x == 2 %}{% set ns.seen = true %}{% endif %}{% endfor %}{{ ns.total }} {{ ns.seen }} {{ ns.missing is defined }}", {}),
    ("namespaceLaterAttribute", "{% set ns = namespace() %}{% set ns.a = 'x' %}{{ ns.a }}", {}),
    ("setBlock", "{% set greeting %}Hello {{ name }}{% endset %}[{{ greeting | upper }}]", {"name": "Ann"}),
    ("setTuple", "{% set a, b = [1, 2] %}{{ b }}{{ a }}", {}),
    ("filterBlock", "{% filter upper %}abc{{ 'd' }}{% endfilter %}", {}),
    ("comparisons", "{{ 1 < 2 }}{{ 2 <= 1 }}{{ 'a' == 'a' }}{{ 'a' != 'a' }}{{ 3 > 2 }}{{ 1 >= 1 }}{{ 1 == 1.0 }}{{ true == 1 }}{{ 1 < 2 < 3 }}{{ 3 > 2 > 2 }}{{ [1, 2] < [1, 3] }}{{ 'B' < 'a' }}", {}),
    ("logic", "{{ true and false }}{{ true or false }}{{ not true }}{{ not (1 == 2) }}{{ 0 or 'x' }}{{ 'y' and 0 }}{{ none or [] }}", {}),
    ("membership", "{{ 'b' in 'abc' }}{{ 2 in [1, 2] }}{{ 'k' in d }}{{ 'q' not in d }}{{ 'z' in undefined_thing }}", {"d": {"k": 1}}),
    ("tests", "{{ x is defined }}{{ y is defined }}{{ y is not defined }}{{ y is undefined }}{{ n is none }}{{ s is string }}{{ x is number }}{{ x is integer }}{{ 1.5 is float }}{{ d is mapping }}{{ s is iterable }}{{ x is iterable }}{{ l is sequence }}{{ true is boolean }}{{ x is odd }}{{ x is even }}{{ 9 is divisibleby 3 }}{{ 'ab' is lower }}{{ 'AB' is upper }}{{ x is sameas 1 }}{{ s is equalto 's' }}{{ 3 is gt 2 }}{{ 'a' is in 'abc' }}{{ raise_exception is callable }}", {"x": 1, "n": None, "s": "s", "d": {}, "l": [1]}),
    ("conditionalExpression", "{{ 'yes' if flag else 'no' }}[{{ 'a' if false }}]{{ ('a' if false) is defined }}", {"flag": True}),
    ("concat", "{{ 'n=' ~ 3 ~ true ~ none ~ missing ~ [1] }}", {}),
    ("stringPlusNumberFails", "{{ 'a' + 1 }}", {}),
    ("subscriptsAndSlices", "{{ xs[0] }}{{ xs[-1] }}{{ xs[1:] }}{{ xs[:2] }}{{ 'hello'[1:3] }}{{ d['k'] }}{{ d.k }}{{ xs.0 }}[{{ xs[10] }}]", {"xs": [1, 2, 3], "d": {"k": "v"}}),
    ("sliceSteps", "{{ xs[::-1] }}{{ xs[::2] }}{{ xs[1::2] }}{{ xs[-1:0:-1] }}{{ xs[:-2:-1] }}{{ 'abc'[::-1] }}{{ xs[-100:100] }}", {"xs": [1, 2, 3, 4, 5]}),
    ("literals", "{{ [1, 'a', none, true, 1.5, {'k': \"it's\"}] }}{{ {'k': 1}['k'] }}{{ (1, 2) }}{{ (1,) }}{{ () }}{{ [] }}{{ {} }}", {}),
    ("printsPythonRepr", "{{ d }}|{{ l }}", {"d": {"a": [1, "x\ny"], "b": None}, "l": ["it's", "say \"hi\"", "both ' \""]}),
    ("filtersText", "{{ '  x  ' | trim }}|{{ 'xxhixx' | trim('x') }}|{{ 'Ab' | upper }}{{ 'Ab' | lower }}|{{ 'hello WORLD' | capitalize }}|{{ \"they're bill's-friends (x)\" | title }}|{{ 'a-b-a' | replace('a', 'o') }}|{{ 'aaa' | replace('a', 'b', 2) }}|{{ 5 | string }}|{{ '<&>' | e }}", {}),
    ("filtersSequences", "{{ xs | length }}|{{ xs | count }}|{{ 'héllo' | length }}|{{ d | length }}|{{ xs | join('-') }}|{{ xs | join }}|{{ xs | first }}{{ xs | last }}|{{ xs | reverse | list }}|{{ 'abc' | reverse }}|{{ 'ab' | list }}|{{ xs | sum }}|{{ xs | max }}{{ xs | min }}|{{ [3, 1, 2] | sort }}{{ [3, 1, 2] | sort(reverse=true) }}|{{ ['b', 'A', 'a'] | sort }}|{{ [1, 2, 1, 3] | unique | list }}", {"xs": [1, 2, 3], "d": {"a": 1}}),
    ("filtersDefault", "{{ missing | default('d') }}|{{ '' | default('d') }}|{{ '' | default('d', true) }}|{{ none | d('x') }}|{{ missing | d }}", {}),
    ("filtersNumbers", "{{ '42' | int }}{{ 'x' | int }}{{ 3.9 | int }}{{ '2.5' | float }}{{ -3 | abs }}{{ 2.567 | round(2) }}{{ 2.5 | round }}{{ 2.1 | round(method='ceil') }}", {}),
    ("filtersAttributes", "{{ users | map(attribute='name') | join(', ') }}|{{ users | selectattr('admin') | map(attribute='name') | list }}|{{ users | rejectattr('admin') | list | length }}|{{ users | selectattr('name', 'equalto', 'bo') | list | length }}|{{ users | sort(attribute='age') | map(attribute='name') | join }}|{{ users | map(attribute='missing', default='?') | join }}|{{ users | sum(attribute='age') }}", {"users": [{"name": "al", "admin": True, "age": 40}, {"name": "bo", "admin": False, "age": 30}]}),
    ("filtersSelect", "{{ [1, 0, 2, none] | select | list }}{{ [1, 2, 3, 4] | select('odd') | list }}{{ [1, 2, 3, 4] | reject('odd') | list }}{{ ['a', 'b'] | map('upper') | list }}{{ ['x', 'code_interpreter'] | reject('equalto', 'code_interpreter') | join(', ') }}", {}),
    ("filtersItemsAndDictsort", "{{ d | items | list }}{% for k, v in d | items %}{{ k }}{{ v }}{% endfor %}{{ d | dictsort }}", {"d": {"b": 1, "a": 2}}),
    ("filterIndent", "{{ 'a\\nb\\n\\nc' | indent }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'a\\n\\nb' | indent('> ', blank=true) }}", {}),
    ("tojson", "{{ {'a': [1, 'x', none, true, 1.5], 'é': '\\u2028</script>\\n\"'} | tojson }}", {}),
    ("tojsonIndented", "{{ {'b': [1, {'c': 'x'}], 'a': {}, 'e': []} | tojson(indent=4) }}|{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}|{{ [1, 2] | tojson(separators=(',', ':')) }}", {}),
    ("tojsonTools", "{% for t in tools %}{{ t | tojson(indent=2) }}{% endfor %}", {"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}),
    ("stringMethods", "{{ ' x '.strip() }}|{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith('x') }}{{ 'abc'.startswith(('x', 'a')) }}|{{ 'ab'.upper() }}{{ 'AB'.lower() }}|{{ \"hello wORLD they're\".title() }}|{{ ' x '.lstrip() }}|{{ ' x '.rstrip() }}|{{ 'héllo wörld'.capitalize() }}|{{ 'a,b'.replace(',', ';') }}|{{ 'abcabc'.find('c') }}{{ 'abcabc'.rfind('c') }}{{ 'abcabc'.count('bc') }}|{{ '-'.join(['a', 'b']) }}|{{ '12'.isdigit() }}{{ 'a1'.isalpha() }}", {}),
    ("stripCharacters", "[{{ '\\n\\nx\\n'.strip('\\n') }}][{{ 'xxay'.lstrip('x') }}][{{ 'ayyx'.rstrip('xy') }}][{{ ' a '.strip(none) }}]", {}),
    ("split", "{{ 'a<b>c<b>'.split('<b>') }}{{ ' a  b '.split() }}{{ 'x'.split(',') }}{{ 'r</think>a'.split('</think>')[-1] }}{{ 'a,b,c'.split(',', 1) }}{{ 'a,b,c'.rsplit(',', 1) }}{{ 'a\\nb\\r\\nc'.splitlines() }}", {}),
    ("dictMethods", "{{ d.get('k') }}{{ d.get('q', 'dflt') }}{{ d.get('q') }}{{ d.keys() | list }}{{ d.values() | list }}{{ d.items() | list }}", {"d": {"k": "v"}}),
    ("rangeAndDict", "{% for i in range(3) %}{{ i }}{% endfor %}{{ range(1, 8, 3) | list }}{{ range(3, -1, -1) | list }}{{ range(0, 3, -1) | list }}{{ dict(a=1) }}", {}),
    ("attributeOfUndefinedFails", "{{ foo.bar }}", {}),
    ("attributeChainOnMissingKeyFails", "{{ x.y.z }}", {"x": {}}),
    ("missingAttributeIsUndefined", "{{ x.y is defined }}{{ 'str'.content is defined }}{{ none.x is defined }}", {"x": {}}),
    ("assignAttributeOfNonNamespaceFails", "{% set d = {'a': 1} %}{% set d.a = 2 %}{{ d.a }}", {}),
    ("unsafeMethodFails", "{% set xs = [1] %}{{ xs.append(2) }}", {}),
    ("raiseException", "{% if true %}{{ raise_exception('Bad input: ' ~ 42) }}{% endif %}", {}),
    ("strftimeNow", "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%B %-d, %Y %A') }}", {}),
    ("builtinsDefined", "{{ strftime_now is defined }} {{ raise_exception is defined }} {{ range is defined }} {{ namespace is defined }} {{ nothing is defined }}", {}),
    ("generationBlock", "{% for m in messages %}{% generation %}[{{ m.content }}]{% endgeneration %}{% endfor %}", {"messages": [{"role": "assistant", "content": "hi"}]}),
    ("messageContentChecks", "{% for m in messages %}{% if m.content is string %}{{ m.content }}{% elif m.content is iterable %}{% for c in m.content %}{{ c.text }}{% endfor %}{% endif %};{% endfor %}", {"messages": [{"role": "user", "content": "plain"}, {"role": "user", "content": [{"type": "text", "text": "parts"}]}]}),
    ("reverseMessages", "{% set ns = namespace(last=-1) %}{% for m in messages[::-1] %}{% set i = (messages|length - 1) - loop.index0 %}{% if ns.last == -1 and m.role == 'user' %}{% set ns.last = i %}{% endif %}{% endfor %}{{ ns.last }}", {"messages": [{"role": "user"}, {"role": "assistant"}, {"role": "user"}, {"role": "assistant"}]}),
]

out = []
w = out.append
w("// Enclave: chat template fixtures. GENERATED by the script in ChatTemplateFixtures+Generator.swift; do not edit.")
w("// Expected outputs come from jinja2 %s with Hugging Face's settings (ImmutableSandboxedEnvironment," % jinja2.__version__)
w("// trim_blocks, lstrip_blocks, loopcontrols, raise_exception, strftime_now, tojson with ensure_ascii=False).")
w("")
w("import EnclaveEngine")
w("import Testing")
w("")
w("enum ChatTemplateFixtures {")
w("    /// What rendering produced: the text, the template's own `raise_exception` message, or another error.")
w("    enum Expected: Sendable, Equatable {")
w("        case output(String)")
w("        case raised(String)")
w("        case runtime(String)")
w("    }")
w("")
w("    struct Template: Sendable {")
w("        let name: String")
w("        let model: String")
w("        let source: String")
w("        let bos: String")
w("        let eos: String")
w("    }")
w("")
w("    struct Conversation: Sendable {")
w("        let name: String")
w("        let messages: [ChatMessage]")
w("        let addGenerationPrompt: Bool")
w("    }")
w("")
w("    struct Case: Sendable, CustomTestStringConvertible {")
w("        let template: Template")
w("        let conversation: Conversation")
w("        let expected: Expected")
w("        var testDescription: String { \"\\(template.name) / \\(conversation.name)\" }")
w("    }")
w("")
w("    struct Feature: Sendable, CustomTestStringConvertible {")
w("        let name: String")
w("        let source: String")
w("        let context: [String: ChatTemplateValue]")
w("        let expected: Expected")
w("        var testDescription: String { name }")
w("    }")
w("")
w("    /// 2024-07-26 12:00 UTC, the time `strftime_now` reports in these fixtures.")
w("    static let now = 1_721_995_200.0")
w("")
for name, source, bos, eos, model in TEMPLATES:
    w("    static let %s = Template(" % name)
    w("        name: %s, model: %s," % (swift_string(name), swift_string(model)))
    w("        source: %s," % swift_string(source))
    w("        bos: %s, eos: %s)" % (swift_string(bos), swift_string(eos)))
    w("")
w("    static let templates = [%s]" % ", ".join(t[0] for t in TEMPLATES))
w("")
for name, messages, gen in CONVERSATIONS:
    msgs = ", ".join("ChatMessage(role: %s, content: %s)" % (swift_string(r), swift_string(c)) for r, c in messages)
    w("    static let %s = Conversation(name: %s, messages: [%s], addGenerationPrompt: %s)" % (name, swift_string(name), msgs, "true" if gen else "false"))
w("")
w("    static let conversations = [%s]" % ", ".join(c[0] for c in CONVERSATIONS))
w("")
w("    static let cases: [Case] = [")
for tname, source, bos, eos, _ in TEMPLATES:
    for cname, messages, gen in CONVERSATIONS:
        result = render(source, messages=[{"role": r, "content": c} for r, c in messages], add_generation_prompt=gen,
                        bos_token=bos, eos_token=eos, tools=None, documents=None)
        w("        Case(template: %s, conversation: %s, expected: %s)," % (tname, cname, swift_expected(result)))
w("    ]")
w("")
w("    struct ToolCase: Sendable, CustomTestStringConvertible {")
w("        let name: String")
w("        let template: Template")
w("        let messages: [ChatMessage]")
w("        let variables: [String: ChatTemplateValue]")
w("        let expected: Expected")
w("        var testDescription: String { name }")
w("    }")
w("")
w("    static let toolCases: [ToolCase] = [")
SOURCES = {t[0]: t for t in TEMPLATES}
for name, tname, messages, variables in TOOL_CASES:
    _, source, bos, eos, _ = SOURCES[tname]
    ctx = dict(messages=[{"role": r, "content": c} for r, c in messages], add_generation_prompt=True,
               bos_token=bos, eos_token=eos, tools=None, documents=None)
    ctx.update(variables)
    msgs = ", ".join("ChatMessage(role: %s, content: %s)" % (swift_string(r), swift_string(c)) for r, c in messages)
    w("        ToolCase(")
    w("            name: %s, template: %s, messages: [%s]," % (swift_string(name), tname, msgs))
    w("            variables: %s," % swift_value(variables))
    w("            expected: %s)," % swift_expected(render(source, **ctx)))
w("    ]")
w("")
w("    static let features: [Feature] = [")
for name, source, ctx in FEATURES:
    result = render(source, **ctx)
    w("        Feature(")
    w("            name: %s, source: %s," % (swift_string(name), swift_string(source)))
    w("            context: %s," % swift_value(ctx))
    w("            expected: %s)," % swift_expected(result))
w("    ]")
w("}")
print("\n".join(out))

---- templates.py ----
# Real chat templates, as the models' tokenizer_config.json / GGUF files carry them (Jinja source text).
LLAMA2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
LLAMA31 = r'''{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\n" }}
{%- endif %}
{%- if builtin_tools is defined %}
    {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\n\n"}}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\n" }}
{{- "Today Date: " + date_string + "\n\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\n\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\n\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- "<|python_tag|>" + tool_call.name + ".call(" }}
            {%- for arg_name, arg_val in tool_call.arguments | items %}
                {{- arg_name + '="' + arg_val + '"' }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- endif %}
                {%- endfor %}
            {{- ")" }}
        {%- else  %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- '{"name": "' + tool_call.name + '", ' }}
            {{- '"parameters": ' }}
            {{- tool_call.arguments | tojson }}
            {{- "}" }}
        {%- endif %}
        {%- if builtin_tools is defined %}
            {#- This means we're in ipython mode #}
            {{- "<|eom_id|>" }}
        {%- else %}
            {{- "<|eot_id|>" }}
        {%- endif %}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\n\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
'''
LLAMA32 = LLAMA31.replace('''{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}''', '''{%- if not date_string is defined %}
    {%- if strftime_now is defined %}
        {%- set date_string = strftime_now("%d %b %Y") %}
    {%- else %}
        {%- set date_string = "26 Jul 2024" %}
    {%- endif %}
{%- endif %}''').replace('''{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}
{%- if builtin_tools is defined %}
    {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\\n\\n"}}
{%- endif %}''', '''{#- System message #}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}''').replace('''        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
            {{- "<|python_tag|>" + tool_call.name + ".call(" }}
            {%- for arg_name, arg_val in tool_call.arguments | items %}
                {{- arg_name + '="' + arg_val + '"' }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- endif %}
                {%- endfor %}
            {{- ")" }}
        {%- else  %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
            {{- '{"name": "' + tool_call.name + '", ' }}
            {{- '"parameters": ' }}
            {{- tool_call.arguments | tojson }}
            {{- "}" }}
        {%- endif %}
        {%- if builtin_tools is defined %}
            {#- This means we're in ipython mode #}
            {{- "<|eom_id|>" }}
        {%- else %}
            {{- "<|eot_id|>" }}
        {%- endif %}''', '''        {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
        {{- '{"name": "' + tool_call.name + '", ' }}
        {{- '"parameters": ' }}
        {{- tool_call.arguments | tojson }}
        {{- "}" }}
        {{- "<|eot_id|>" }}''')
assert 'strftime_now("%d %b %Y")' in LLAMA32 and 'builtin_tools' not in LLAMA32
MISTRAL_V01_ORIGINAL = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
MIXTRAL_ORIGINAL = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
MISTRAL_INSTRUCT = r'''{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}

{{- bos_token }}
{%- for message in loop_messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('After the optional system message, conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {%- if loop.first and system_message is defined %}
            {{- ' [INST] ' + system_message + '\n\n' + message['content'] + ' [/INST]' }}
        {%- else %}
            {{- ' [INST] ' + message['content'] + ' [/INST]' }}
        {%- endif %}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + message['content'] + eos_token}}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported, with the exception of an initial optional system message!') }}
    {%- endif %}
{%- endfor %}
'''
MISTRAL_V03 = r'''{%- if messages[0]["role"] == "system" %}
    {%- set system_message = messages[0]["content"] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}
{%- set user_messages = loop_messages | selectattr("role", "equalto", "user") | list %}

{#- This block checks for alternating user/assistant messages, skipping tool calling messages #}
{%- set ns = namespace() %}
{%- set ns.index = 0 %}
{%- for message in loop_messages %}
    {%- if not (message.role == "tool" or message.role == "tool_results" or (message.tool_calls is defined and message.tool_calls is not none)) %}
        {%- if (message["role"] == "user") != (ns.index % 2 == 0) %}
            {{- raise_exception("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...") }}
        {%- endif %}
        {%- set ns.index = ns.index + 1 %}
    {%- endif %}
{%- endfor %}

{{- bos_token }}
{%- for message in loop_messages %}
    {%- if message["role"] == "user" %}
        {%- if tools is not none and (message == user_messages[-1]) %}
            {{- "[AVAILABLE_TOOLS] [" }}
            {%- for tool in tools %}
                {%- set tool = tool.function %}
                {{- '{"type": "function", "function": {' }}
                {%- for key, val in tool.items() if key != "return" %}
                    {%- if val is string %}
                        {{- '"' + key + '": "' + val + '"' }}
                    {%- else %}
                        {{- '"' + key + '": ' + val|tojson }}
                    {%- endif %}
                    {%- if not loop.last %}
                        {{- ", " }}
                    {%- endif %}
                {%- endfor %}
                {{- "}}" }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- else %}
                    {{- "]" }}
                {%- endif %}
            {%- endfor %}
            {{- "[/AVAILABLE_TOOLS]" }}
            {%- endif %}
        {%- if loop.last and system_message is defined %}
            {{- "[INST] " + system_message + "\n\n" + message["content"] + "[/INST]" }}
        {%- else %}
            {{- "[INST] " + message["content"] + "[/INST]" }}
        {%- endif %}
    {%- elif message.tool_calls is defined and message.tool_calls is not none %}
        {{- "[TOOL_CALLS] [" }}
        {%- for tool_call in message.tool_calls %}
            {%- set out = tool_call.function|tojson %}
            {{- out[:-1] }}
            {%- if not tool_call.id is defined or tool_call.id|length != 9 %}
                {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
            {%- endif %}
            {{- ', "id": "' + tool_call.id + '"}' }}
            {%- if not loop.last %}
                {{- ", " }}
            {%- else %}
                {{- "]" + eos_token }}
            {%- endif %}
        {%- endfor %}
    {%- elif message["role"] == "assistant" %}
        {{- " " + message["content"]|trim + eos_token}}
    {%- elif message["role"] == "tool_results" or message["role"] == "tool" %}
        {%- if message.content is defined and message.content.content is defined %}
            {%- set content = message.content.content %}
        {%- else %}
            {%- set content = message.content %}
        {%- endif %}
        {{- '[TOOL_RESULTS] {"content": ' + content|string + ", " }}
        {%- if not message.tool_call_id is defined or message.tool_call_id|length != 9 %}
            {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
        {%- endif %}
        {{- '"call_id": "' + message.tool_call_id + '"}[/TOOL_RESULTS]' }}
    {%- else %}
        {{- raise_exception("Only user and assistant roles are supported, with the exception of an initial optional system message!") }}
    {%- endif %}
{%- endfor %}
'''
GEMMA2 = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"
GEMMA3 = "{{ bos_token }}\n{%- if messages[0]['role'] == 'system' -%}\n    {%- if messages[0]['content'] is string -%}\n        {%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}\n    {%- else -%}\n        {%- set first_user_prefix = messages[0]['content'][0]['text'] + '\n\n' -%}\n    {%- endif -%}\n    {%- set loop_messages = messages[1:] -%}\n{%- else -%}\n    {%- set first_user_prefix = \"\" -%}\n    {%- set loop_messages = messages -%}\n{%- endif -%}\n{%- for message in loop_messages -%}\n    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}\n        {{ raise_exception(\"Conversation roles must alternate user/assistant/user/assistant/...\") }}\n    {%- endif -%}\n    {%- if (message['role'] == 'assistant') -%}\n        {%- set role = \"model\" -%}\n    {%- else -%}\n        {%- set role = message['role'] -%}\n    {%- endif -%}\n    {{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else \"\") }}\n    {%- if message['content'] is string -%}\n        {{ message['content'] | trim }}\n    {%- elif message['content'] is iterable -%}\n        {%- for item in message['content'] -%}\n            {%- if item['type'] == 'image' -%}\n                {{ '<start_of_image>' }}\n            {%- elif item['type'] == 'text' -%}\n                {{ item['text'] | trim }}\n            {%- endif -%}\n        {%- endfor -%}\n    {%- else -%}\n        {{ raise_exception(\"Invalid content type\") }}\n    {%- endif -%}\n    {{ '<end_of_turn>\n' }}\n{%- endfor -%}\n{%- if add_generation_prompt -%}\n    {{'<start_of_turn>model\n'}}\n{%- endif -%}\n"
QWEN2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
ZEPHYR = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}"

*/
