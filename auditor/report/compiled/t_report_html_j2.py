from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'report.html.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_v = resolve('v')
    l_0_csp = resolve('csp')
    l_0_css = resolve('css')
    l_0_plan = resolve('plan')
    l_0_status_order = resolve('status_order')
    l_0_facets = resolve('facets')
    l_0_js = resolve('js')
    l_0_m = l_0_r = missing
    try:
        t_1 = environment.filters['collapse']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'collapse' found.")
    try:
        t_2 = environment.filters['days']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'days' found.")
    try:
        t_3 = environment.filters['iso']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'iso' found.")
    try:
        t_4 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_5 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    l_0_m = context.vars['m'] = environment.get_template('_macros.html.j2', 'report.html.j2').make_module(context.get_all(), True, {'m': l_0_m, 'r': l_0_r})
    context.exported_vars.discard('m')
    l_0_r = environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'results')
    context.vars['r'] = l_0_r
    context.exported_vars.add('r')
    yield '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="'
    yield escape((undefined(name='csp') if l_0_csp is missing else l_0_csp))
    yield '">\n<meta name="referrer" content="no-referrer">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Rovo MCP audit: '
    yield escape(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'verdict'))
    yield '</title>\n<style>'
    yield escape((undefined(name='css') if l_0_css is missing else l_0_css))
    yield '</style>\n</head>\n<body>\n<a class="skip" href="#orgs">Skip to the findings</a>\n<header>\n<h1 class="verdict '
    yield escape(('blocked' if environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'blocked') else ('ready' if environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'total') else 'unchecked')))
    yield '">'
    yield escape(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'verdict'))
    yield '</h1>\n<p class="sub">Rovo MCP settings audit · as of <time datetime="'
    yield escape(t_3(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'as_of')))
    yield '">'
    yield escape(t_3(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'as_of')))
    yield '</time> · '
    yield escape(t_4(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'orgs')))
    yield ' org'
    yield escape(('s' if (t_4(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'orgs')) != 1) else ''))
    yield ', '
    yield escape(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'total'))
    yield ' checks, '
    yield escape(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'not_pass'))
    yield ' not passed</p>\n</header>\n<div id="banner"></div>\n<main>\n'
    if (undefined(name='plan') if l_0_plan is missing else l_0_plan):
        pass
        yield '<section aria-labelledby="h-plan" id="plan">\n<h2 id="h-plan">Fix first: the changes, in order</h2>\n<div class="planbox">\n'
        for l_1_o in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'orgs'):
            _loop_vars = {}
            pass
            yield '<h3>'
            yield escape(environment.getattr(l_1_o, 'name'))
            yield '</h3>\n<ol class="plan">\n'
            for l_2_s in environment.getattr(l_1_o, 'steps'):
                _loop_vars = {}
                pass
                yield '<li id="s'
                yield escape(environment.getattr(l_2_s, 'n'))
                yield '" value="'
                yield escape(environment.getattr(l_2_s, 'n'))
                yield '">'
                yield escape(environment.getattr(l_2_s, 'html'))
                yield escape(('' if environment.getattr(l_2_s, 'last') else '.'))
                yield ' <span class="meta">'
                yield escape(environment.getattr(l_2_s, 'where'))
                yield '</span></li>\n'
            l_2_s = missing
            yield '</ol>\n'
        l_1_o = missing
        if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'unresolvable'):
            pass
            yield '<h3>What no change of the settings settles</h3>\n<ul class="plan">\n'
            for l_1_u in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'unresolvable'):
                _loop_vars = {}
                pass
                yield '<li><span class="b '
                yield escape(environment.getattr(l_1_u, 'status'))
                yield '">'
                yield escape(environment.getattr(l_1_u, 'status'))
                yield '</span> '
                yield escape(environment.getattr(l_1_u, 'control'))
                if (not t_5(environment.getattr(l_1_u, 'subject'))):
                    pass
                    yield ' <code>'
                    yield escape(environment.getattr(l_1_u, 'subject'))
                    yield '</code>'
                yield ' ('
                yield escape(context.call(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'names'), 'get'), environment.getattr(l_1_u, 'org'), environment.getattr(l_1_u, 'org'), _loop_vars=_loop_vars))
                yield '): '
                yield escape(environment.getattr(l_1_u, 'reason'))
                yield '</li>\n'
            l_1_u = missing
            yield '</ul>\n'
        yield '</div>\n<p class="sub">None of these changes breaks what already works (each was re-audited before it was chosen), and together they make every finding pass'
        if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'unresolvable'):
            pass
            yield ' but those listed last'
        yield '. <code>rovo-audit plan</code> writes them as plan.json and the settings they lead to.</p>\n</section>\n'
    template = environment.get_template('_review.html.j2', 'report.html.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'m': l_0_m, 'r': l_0_r}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield '<section aria-labelledby="h-summary">\n<h2 id="h-summary">Summary</h2>\n<p class="sub">Settings: <code>'
    yield escape((environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'settings_path') or '—'))
    yield '</code>'
    if environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'collected_at'):
        pass
        yield ', collected '
        yield escape(t_3(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'collected_at')))
    if (environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'generated_at') != environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'as_of')):
        pass
        yield ' · generated '
        yield escape(t_3(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'generated_at')))
    yield ' · policies: '
    l_1_loop = missing
    for l_1_p, l_1_loop in LoopContext(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'policies'), undefined):
        _loop_vars = {}
        pass
        yield '<code>'
        yield escape(environment.getattr(l_1_p, 'name'))
        yield '</code>'
        yield escape((', ' if (not environment.getattr(l_1_loop, 'last')) else ''))
    l_1_loop = l_1_p = missing
    yield '</p>\n<p class="sub">Evidence, per org and settings section: '
    yield escape(environment.getitem(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'evidence_summary'), 'observed'))
    yield ' observed through an API (admin-api, mcp-probe, oauth), '
    yield escape(environment.getitem(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'evidence_summary'), 'attested'))
    yield ' attested by a person or a file, '
    yield escape(environment.getitem(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'evidence_summary'), 'not collected'))
    yield ' not collected'
    if environment.getitem(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'evidence_summary'), 'not checked'):
        pass
        yield ', '
        yield escape(environment.getitem(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'evidence_summary'), 'not checked'))
        yield ' not checked by any policy'
    yield '.</p>\n<div class="wide" role="group" tabindex="0" aria-labelledby="h-summary">\n<table>\n<thead><tr><th scope="col">Status</th>'
    for l_1_s in (undefined(name='status_order') if l_0_status_order is missing else l_0_status_order):
        _loop_vars = {}
        pass
        yield '<th scope="col" class="n">'
        yield escape(l_1_s)
        yield '</th>'
    l_1_s = missing
    yield '<th scope="col" class="n">total</th></tr></thead>\n<tbody><tr><th scope="row">Findings</th>'
    for l_1_s in (undefined(name='status_order') if l_0_status_order is missing else l_0_status_order):
        _loop_vars = {}
        pass
        yield '<td class="n">'
        yield escape(context.call(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'summary'), 'get'), l_1_s, 0, _loop_vars=_loop_vars))
        yield '</td>'
    l_1_s = missing
    yield '<td class="n">'
    yield escape(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'total'))
    yield '</td></tr></tbody>\n</table>\n</div>\n<p id="ch-what" class="chwhat">The charts count the '
    yield escape(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'not_pass'))
    yield ' findings not passed.</p>\n<ul class="legend" aria-hidden="true">'
    for l_1_s in (undefined(name='status_order') if l_0_status_order is missing else l_0_status_order):
        _loop_vars = {}
        pass
        yield '<li class="'
        yield escape(l_1_s)
        yield '">'
        yield escape(l_1_s)
        yield '</li>'
    l_1_s = missing
    yield '</ul>\n<div class="charts">\n'
    for l_1_ch in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'charts'):
        _loop_vars = {}
        pass
        yield escape(context.call(environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'chart'), l_1_ch, _loop_vars=_loop_vars))
    l_1_ch = missing
    yield '</div>\n</section>\n<section aria-labelledby="h-policies">\n<h2 id="h-policies">Verdict by policy</h2>\n<div class="wide" role="group" tabindex="0" aria-labelledby="h-policies">\n<table>\n<thead><tr><th scope="col">Policy</th><th scope="col">File</th><th scope="col" class="n">Orgs</th><th scope="col">Verdict</th></tr></thead>\n<tbody>\n'
    for l_1_pv in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'policies'):
        _loop_vars = {}
        pass
        yield '<tr><th scope="row"><code>'
        yield escape(environment.getattr(environment.getattr(l_1_pv, 'policy'), 'name'))
        yield '</code>'
        if environment.getattr(environment.getattr(l_1_pv, 'policy'), 'title'):
            pass
            yield ' '
            yield escape(environment.getattr(environment.getattr(l_1_pv, 'policy'), 'title'))
        yield '</th><td><code>'
        yield escape(environment.getattr(environment.getattr(l_1_pv, 'policy'), 'path'))
        yield '</code></td><td class="n">'
        yield escape(environment.getattr(l_1_pv, 'orgs'))
        yield '</td><td class="verdict '
        yield escape(environment.getattr(l_1_pv, 'state'))
        yield '">'
        yield escape(environment.getattr(l_1_pv, 'verdict'))
        yield '</td></tr>\n'
    l_1_pv = missing
    yield '</tbody>\n</table>\n</div>\n</section>\n<section aria-labelledby="h-rollup">\n<h2 id="h-rollup">Verdict by org</h2>\n<div class="wide" role="group" tabindex="0" aria-labelledby="h-rollup">\n<table>\n<thead><tr><th scope="col">Org</th><th scope="col">Verdict</th>'
    for l_1_s in (undefined(name='status_order') if l_0_status_order is missing else l_0_status_order):
        _loop_vars = {}
        pass
        yield '<th scope="col" class="n">'
        yield escape(l_1_s)
        yield '</th>'
    l_1_s = missing
    yield '<th scope="col">Evidence</th></tr></thead>\n<tbody>\n'
    l_1_loop = missing
    for l_1_o, l_1_loop in LoopContext(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'orgs'), undefined):
        _loop_vars = {}
        pass
        yield '<tr><th scope="row"><a href="#o'
        yield escape(environment.getattr(l_1_o, 'n'))
        yield '">'
        yield escape(environment.getattr(l_1_o, 'display'))
        yield '</a></th><td class="verdict '
        yield escape(environment.getattr(l_1_o, 'state'))
        yield '">'
        yield escape(environment.getattr(l_1_o, 'verdict'))
        yield '</td>'
        for l_2_s in (undefined(name='status_order') if l_0_status_order is missing else l_0_status_order):
            _loop_vars = {}
            pass
            yield '<td class="n">'
            yield escape(context.call(environment.getattr(environment.getattr(l_1_o, 'counts'), 'get'), l_2_s, 0, _loop_vars=_loop_vars))
            yield '</td>'
        l_2_s = missing
        yield '<td>'
        l_2_loop = missing
        for l_2_e, l_2_loop in LoopContext(environment.getattr(l_1_o, 'evidence'), undefined):
            _loop_vars = {}
            pass
            yield escape(environment.getattr(l_2_e, 'section'))
            yield ': '
            yield escape(environment.getattr(l_2_e, 'kind'))
            if (environment.getattr(l_2_e, 'source') and (environment.getattr(l_2_e, 'kind') != environment.getattr(l_2_e, 'source'))):
                pass
                yield ' ('
                yield escape(environment.getattr(l_2_e, 'source'))
                yield ')'
            if environment.getattr(l_2_e, 'after_as_of'):
                pass
                yield ', dated after the as-of time'
            elif (not t_5(environment.getattr(l_2_e, 'age'))):
                pass
                yield ', '
                yield escape(t_2(environment.getattr(l_2_e, 'age')))
            yield escape(('; ' if (not environment.getattr(l_2_loop, 'last')) else ''))
        l_2_loop = l_2_e = missing
        yield '</td></tr>\n'
    l_1_loop = l_1_o = missing
    yield '</tbody>\n</table>\n</div>\n</section>\n'
    if ((environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'expiring') or environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'expired_waivers')) or environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'unused_waivers')):
        pass
        yield '<section aria-labelledby="h-waivers">\n<h2 id="h-waivers">Waivers to review</h2>\n<div class="wide" role="group" tabindex="0" aria-labelledby="h-waivers">\n<table>\n<thead><tr><th scope="col">State</th><th scope="col">Control</th><th scope="col">Subject</th><th scope="col">Org</th><th scope="col">Reason</th><th scope="col">Approved by</th><th scope="col">Expires</th><th scope="col">Waiver</th></tr></thead>\n<tbody>\n'
        for l_1_w in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'expiring'):
            _loop_vars = {}
            pass
            yield '<tr class="soon"><td>expires in '
            yield escape(environment.getattr(environment.getattr(l_1_w, 'card'), 'waiver_days'))
            yield ' day'
            yield escape(('s' if (environment.getattr(environment.getattr(l_1_w, 'card'), 'waiver_days') != 1) else ''))
            yield ' (<a href="#c'
            yield escape(environment.getattr(l_1_w, 'k'))
            yield '">finding</a>)</td><td>'
            yield escape(environment.getattr(environment.getattr(environment.getattr(l_1_w, 'card'), 'f'), 'control'))
            yield '</td><td>'
            if (not t_5(environment.getattr(environment.getattr(environment.getattr(l_1_w, 'card'), 'f'), 'subject'))):
                pass
                yield '<code>'
                yield escape(environment.getattr(environment.getattr(environment.getattr(l_1_w, 'card'), 'f'), 'subject'))
                yield '</code>'
            yield '</td><td>'
            yield escape(environment.getattr(l_1_w, 'org'))
            yield '</td><td>'
            yield escape(environment.getattr(environment.getattr(environment.getattr(environment.getattr(l_1_w, 'card'), 'f'), 'waiver'), 'reason'))
            yield '</td><td>'
            yield escape(environment.getattr(environment.getattr(environment.getattr(environment.getattr(l_1_w, 'card'), 'f'), 'waiver'), 'approved_by'))
            yield '</td><td>'
            yield escape(environment.getattr(environment.getattr(environment.getattr(environment.getattr(l_1_w, 'card'), 'f'), 'waiver'), 'expires'))
            yield '</td><td><code>'
            yield escape(environment.getattr(environment.getattr(environment.getattr(environment.getattr(l_1_w, 'card'), 'f'), 'waiver'), 'ref'))
            yield '</code></td></tr>\n'
        l_1_w = missing
        for l_1_w in environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'expired_waivers'):
            _loop_vars = {}
            pass
            yield '<tr><td>'
            yield escape(('expired' if (environment.getattr(l_1_w, 'why') == 'expired') else 'unreadable expiry'))
            yield ': waives nothing</td><td>'
            yield escape(environment.getattr(l_1_w, 'control'))
            yield '</td><td>'
            if (not t_5(environment.getattr(l_1_w, 'subject'))):
                pass
                yield '<code>'
                yield escape(environment.getattr(l_1_w, 'subject'))
                yield '</code>'
            yield '</td><td>'
            yield escape((environment.getattr(l_1_w, 'org') or 'any'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_w, 'reason'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_w, 'approved_by'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_w, 'expires'))
            yield '</td><td><code>'
            yield escape(environment.getattr(l_1_w, 'ref'))
            yield '</code></td></tr>\n'
        l_1_w = missing
        for l_1_w in environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'unused_waivers'):
            _loop_vars = {}
            pass
            yield '<tr><td>unused: matches no finding</td><td>'
            yield escape(environment.getattr(l_1_w, 'control'))
            yield '</td><td>'
            if (not t_5(environment.getattr(l_1_w, 'subject'))):
                pass
                yield '<code>'
                yield escape(environment.getattr(l_1_w, 'subject'))
                yield '</code>'
            yield '</td><td>'
            yield escape((environment.getattr(l_1_w, 'org') or 'any'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_w, 'reason'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_w, 'approved_by'))
            yield '</td><td>'
            yield escape(environment.getattr(l_1_w, 'expires'))
            yield '</td><td><code>'
            yield escape(environment.getattr(l_1_w, 'ref'))
            yield '</code></td></tr>\n'
        l_1_w = missing
        yield '</tbody>\n</table>\n</div>\n</section>\n'
    yield '<div id="filters"></div>\n<div id="ftable" hidden></div>\n<div id="orgs">\n'
    l_1_loop = missing
    for l_1_o, l_1_loop in LoopContext(environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'orgs'), undefined):
        _loop_vars = {}
        pass
        yield '<section class="org" id="o'
        yield escape(environment.getattr(l_1_o, 'n'))
        yield '" data-o="'
        yield escape(environment.getattr(l_1_o, 'n'))
        yield '" aria-labelledby="o'
        yield escape(environment.getattr(l_1_o, 'n'))
        yield 'h">\n<h2 id="o'
        yield escape(environment.getattr(l_1_o, 'n'))
        yield 'h">'
        yield escape(environment.getattr(l_1_o, 'display'))
        yield '</h2>\n<p><strong class="verdict '
        yield escape(environment.getattr(l_1_o, 'state'))
        yield '">'
        yield escape(environment.getattr(l_1_o, 'verdict'))
        yield '</strong> · org id <code>'
        yield escape(environment.getattr(l_1_o, 'id'))
        yield '</code> · policies: '
        l_2_loop = missing
        t_6 = 1
        for l_2_p, l_2_loop in LoopContext(environment.getattr(l_1_o, 'policies'), undefined):
            _loop_vars = {}
            pass
            yield '<code>'
            yield escape(l_2_p)
            yield '</code>'
            yield escape((', ' if (not environment.getattr(l_2_loop, 'last')) else ''))
            t_6 = 0
        l_2_loop = l_2_p = missing
        if t_6:
            pass
            yield 'none cover this org'
        yield ' · '
        l_2_loop = missing
        for l_2_s, l_2_loop in LoopContext((undefined(name='status_order') if l_0_status_order is missing else l_0_status_order), undefined):
            _loop_vars = {}
            pass
            yield escape(context.call(environment.getattr(environment.getattr(l_1_o, 'counts'), 'get'), l_2_s, 0, _loop_vars=_loop_vars))
            yield ' '
            yield escape(l_2_s)
            yield escape((', ' if (not environment.getattr(l_2_loop, 'last')) else ''))
        l_2_loop = l_2_s = missing
        yield '</p>\n'
        if environment.getattr(l_1_o, 'collection_errors'):
            pass
            yield '<p>Collection errors (what failed stays <em>unknown</em>):</p>\n<ul>'
            for l_2_e in environment.getattr(l_1_o, 'collection_errors'):
                _loop_vars = {}
                pass
                yield '<li>'
                yield escape(l_2_e)
                yield '</li>'
            l_2_e = missing
            yield '</ul>\n'
        yield '<p class="ev">Evidence: '
        l_2_loop = missing
        for l_2_e, l_2_loop in LoopContext(environment.getattr(l_1_o, 'evidence'), undefined):
            _loop_vars = {}
            pass
            yield escape(environment.getattr(l_2_e, 'label'))
            yield ': '
            yield escape(environment.getattr(l_2_e, 'kind'))
            if (environment.getattr(l_2_e, 'source') and (environment.getattr(l_2_e, 'kind') != environment.getattr(l_2_e, 'source'))):
                pass
                yield ' ('
                yield escape(environment.getattr(l_2_e, 'source'))
                if environment.getattr(l_2_e, 'by'):
                    pass
                    yield ', '
                    yield escape(environment.getattr(l_2_e, 'by'))
                if environment.getattr(l_2_e, 'at'):
                    pass
                    yield ', '
                    yield escape(t_3(environment.getattr(l_2_e, 'at')))
                yield ')'
            elif environment.getattr(l_2_e, 'by'):
                pass
                yield ' ('
                yield escape(environment.getattr(l_2_e, 'by'))
                yield ')'
            if environment.getattr(l_2_e, 'after_as_of'):
                pass
                yield ', <strong class="after">dated after the as-of time</strong>'
            elif (not t_5(environment.getattr(l_2_e, 'age'))):
                pass
                yield ', '
                yield escape(t_2(environment.getattr(l_2_e, 'age')))
                yield ' old'
            yield escape(('; ' if (not environment.getattr(l_2_loop, 'last')) else '.'))
        l_2_loop = l_2_e = missing
        yield '</p>\n'
        if environment.getattr(l_1_o, 'todo'):
            pass
            yield '<div class="g" data-g="todo">\n<h3>To fix or verify (<span class="n">'
            yield escape(environment.getattr(l_1_o, 'todo_count'))
            yield '</span>)</h3>\n'
            t_7 = []
            pass
            for l_3_c in environment.getattr(l_1_o, 'todo'):
                l_3_cards = resolve('cards')
                _loop_vars = {}
                pass
                if environment.getattr(l_3_c, 'group'):
                    pass
                    t_7.append(
                        escape(context.call(environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'group'), l_3_c, _loop_vars=_loop_vars)),
                    )
                else:
                    pass
                    t_7.append(
                        escape(environment.getitem((undefined(name='cards') if l_3_cards is missing else l_3_cards), environment.getattr(l_3_c, 'k'))),
                    )
            l_3_c = l_3_cards = missing
            yield t_1(Markup(concat(t_7)))
            yield '\n<p class="none nomatch" hidden>No finding here matches the filters.</p>\n</div>\n'
        else:
            pass
            yield '<p>Nothing to fix: every check '
            yield escape(('passed or was waived' if environment.getattr(l_1_o, 'waived') else 'passed'))
            yield '.</p>\n'
        if environment.getattr(l_1_o, 'waived'):
            pass
            yield '<div class="g" data-g="waived">\n<h3>Waived (<span class="n">'
            yield escape(environment.getattr(l_1_o, 'waived_count'))
            yield '</span>)</h3>\n'
            t_8 = []
            pass
            for l_3_c in environment.getattr(l_1_o, 'waived'):
                l_3_cards = resolve('cards')
                _loop_vars = {}
                pass
                t_8.append(
                    escape(environment.getitem((undefined(name='cards') if l_3_cards is missing else l_3_cards), environment.getattr(l_3_c, 'k'))),
                )
            l_3_c = l_3_cards = missing
            yield t_1(Markup(concat(t_8)))
            yield '\n<p class="none nomatch" hidden>No finding here matches the filters.</p>\n</div>\n'
        if environment.getattr(l_1_o, 'passes'):
            pass
            yield '<details class="passes g" data-g="pass">\n<summary>Passed checks (<span class="n">'
            yield escape(environment.getattr(l_1_o, 'pass_count'))
            yield '</span>), per control</summary>\n'
            t_9 = []
            pass
            t_9.append(
                '<ul class="pg">\n',
            )
            for l_3_p in environment.getattr(l_1_o, 'passes'):
                _loop_vars = {}
                pass
                t_9.extend((
                    '<li id="c',
                    escape(environment.getattr(l_3_p, 'k')),
                    '" data-k="',
                    escape(environment.getattr(l_3_p, 'k')),
                    '">',
                    escape(environment.getattr(l_3_p, 'control')),
                    ': ',
                    escape(t_4(environment.getattr(l_3_p, 'findings'))),
                    ' passed</li>\n',
                ))
            l_3_p = missing
            t_9.append(
                '</ul>\n',
            )
            yield t_1(Markup(concat(t_9)))
            yield '<p class="nojs">Listing each passed check needs JavaScript.</p>\n<p class="none nomatch" hidden>No passed check here matches the filters.</p>\n</details>\n'
        yield '</section>\n'
    l_1_loop = l_1_o = missing
    yield '</div>\n'
    template = environment.get_template('_frameworks.html.j2', 'report.html.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'m': l_0_m, 'r': l_0_r}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield '<section aria-labelledby="h-controls">\n<h2 id="h-controls">Controls</h2>\n<div class="wide" role="group" tabindex="0" aria-labelledby="h-controls">\n<table>\n<thead><tr><th scope="col">Control</th><th scope="col">A finding means</th><th scope="col">Area</th><th scope="col">Default severity</th><th scope="col">Frameworks (see <a href="#frameworks">Frameworks</a>)</th></tr></thead>\n<tbody>\n'
    for (l_1_cid, l_1_title, l_1_area, l_1_sev) in environment.getattr((undefined(name='v') if l_0_v is missing else l_0_v), 'controls'):
        l_1_fw_of = resolve('fw_of')
        _loop_vars = {}
        pass
        yield '<tr><th scope="row">'
        yield escape(l_1_cid)
        yield '</th><td>'
        yield escape(l_1_title)
        yield '</td><td>'
        yield escape(l_1_area)
        yield '</td><td>'
        yield escape(l_1_sev)
        yield '</td><td>'
        yield escape(context.call(environment.getattr((undefined(name='fw_of') if l_1_fw_of is missing else l_1_fw_of), 'get'), l_1_cid, '', _loop_vars=_loop_vars))
        yield '</td></tr>\n'
    l_1_cid = l_1_title = l_1_area = l_1_sev = l_1_fw_of = missing
    yield '</tbody>\n</table>\n</div>\n</section>\n</main>\n<footer><p class="sub">Written by rovo-audit. One self-contained file: it loads nothing from any host.</p></footer>\n<script type="application/json" id="facets">'
    yield escape((undefined(name='facets') if l_0_facets is missing else l_0_facets))
    yield '</script>\n<script>'
    yield escape((undefined(name='js') if l_0_js is missing else l_0_js))
    yield '</script>\n</body>\n</html>'

blocks = {}
debug_info = '1=49&2=51&7=55&10=57&11=59&16=61&17=65&21=77&25=80&26=84&28=86&32=102&35=105&40=127&43=131&46=138&47=159&52=171&53=179&56=189&57=191&59=201&68=207&69=211&80=228&82=237&83=241&89=281&96=284&97=288&99=313&100=317&102=338&103=342&113=364&114=368&115=374&116=378&117=409&119=412&121=422&122=457&124=460&125=464&130=484&132=486&134=489&135=493&140=503&142=506&145=513&143=531&156=536&163=543&164=548&172=560&173=562'
# Generated by `python -m auditor.report.precompiled` from templates/report.html.j2: do not edit.
