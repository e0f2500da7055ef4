from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'doctor.html.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_csp = resolve('csp')
    l_0_r = resolve('r')
    l_0_css = resolve('css')
    l_0_first = resolve('first')
    l_0_d = resolve('d')
    l_0_c = resolve('c')
    try:
        t_1 = environment.filters['href']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'href' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_3 = environment.filters['link_label']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'link_label' found.")
    try:
        t_4 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    try:
        t_5 = environment.tests['sameas']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No test named 'sameas' found.")
    pass
    yield '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="'
    yield escape((undefined(name='csp') if l_0_csp is missing else l_0_csp))
    yield '">\n<meta name="referrer" content="no-referrer">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Rovo MCP doctor: '
    yield escape(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'verdict'))
    yield '</title>\n<style>'
    yield escape((undefined(name='css') if l_0_css is missing else l_0_css))
    yield '</style>\n</head>\n<body>\n<header>\n<h1 class="verdict '
    yield escape(('blocked' if (undefined(name='first') if l_0_first is missing else l_0_first) else 'ready'))
    yield '">'
    yield escape(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'verdict'))
    yield '</h1>\n<p class="sub">Rovo MCP connection check · <code>'
    yield escape(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'endpoint'))
    yield '</code> · generated <time datetime="'
    yield escape(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'generated_at'))
    yield '">'
    yield escape(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'generated_at'))
    yield '</time></p>\n<p class="sub">Credential: '
    yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'options'), 'credentials'), 'label'))
    if environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'origin'):
        pass
        yield ' · origin <code>'
        yield escape(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'origin'))
        yield '</code>'
    if environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'settings'):
        pass
        yield ' · settings <code>'
        yield escape(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'settings'))
        yield '</code>'
    if environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'expect'):
        pass
        yield ' · expected groups: '
        l_1_loop = missing
        for l_1_e, l_1_loop in LoopContext(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'expect'), undefined):
            _loop_vars = {}
            pass
            yield '<code>'
            yield escape(l_1_e)
            yield '</code>'
            yield escape((', ' if (not environment.getattr(l_1_loop, 'last')) else ''))
        l_1_loop = l_1_e = missing
    if environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'eras'):
        pass
        yield ' · MCP eras answered: '
        l_1_loop = missing
        for l_1_e, l_1_loop in LoopContext(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'eras'), undefined):
            _loop_vars = {}
            pass
            yield '<code>'
            yield escape(l_1_e)
            yield '</code>'
            yield escape((', ' if (not environment.getattr(l_1_loop, 'last')) else ''))
        l_1_loop = l_1_e = missing
    if environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'client'):
        pass
        yield ' · judged for client <code>'
        yield escape(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'client'), 'id'))
        yield '</code> ('
        yield escape(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'client'), 'title'))
        yield ', profiles as of '
        yield escape(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'client'), 'as_of'))
        yield ')'
    if environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'offline'):
        pass
        yield ' · offline: no request was sent'
    yield '</p>\n<table>\n<thead><tr>'
    for l_1_k in environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'summary'):
        _loop_vars = {}
        pass
        yield '<th scope="col" class="n">'
        yield escape(l_1_k)
        yield '</th>'
    l_1_k = missing
    yield '</tr></thead>\n<tbody><tr>'
    for l_1_n in context.call(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'summary'), 'values')):
        _loop_vars = {}
        pass
        yield '<td class="n">'
        yield escape(l_1_n)
        yield '</td>'
    l_1_n = missing
    yield '</tr></tbody>\n</table>\n</header>\n<main>\n'
    if ((undefined(name='first') if l_0_first is missing else l_0_first) and environment.getattr((undefined(name='first') if l_0_first is missing else l_0_first), 'causes')):
        pass
        l_0_c = environment.getitem(environment.getattr((undefined(name='first') if l_0_first is missing else l_0_first), 'causes'), 0)
        context.vars['c'] = l_0_c
        context.exported_vars.add('c')
        yield '<section aria-labelledby="h-fix">\n<h2 id="h-fix">What to change first</h2>\n<p><strong>'
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'title'))
        yield '</strong> (found at '
        yield escape(environment.getattr((undefined(name='first') if l_0_first is missing else l_0_first), 'code'))
        yield '; fixed by: '
        yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'who'))
        if environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'control'):
            pass
            yield '; audit control <code>'
            yield escape(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'control'))
            yield '</code>'
        yield ')</p>\n<p>'
        yield escape(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'fix'), 'summary'))
        yield '</p>\n<ol>'
        for l_1_s in environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'fix'), 'steps'):
            _loop_vars = {}
            pass
            yield '<li>'
            yield escape(l_1_s)
            yield '</li>'
        l_1_s = missing
        yield '</ol>\n'
        if environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'fix'), 'links'):
            pass
            yield '<p>'
            l_1_loop = missing
            for l_1_link, l_1_loop in LoopContext(environment.getattr(environment.getattr((undefined(name='c') if l_0_c is missing else l_0_c), 'fix'), 'links'), undefined):
                _loop_vars = {}
                pass
                if t_1(l_1_link):
                    pass
                    yield '<a href="'
                    yield escape(t_1(l_1_link))
                    yield '" rel="noreferrer">'
                    yield escape(t_3(l_1_link))
                    yield '</a>'
                yield escape((' · ' if (not environment.getattr(l_1_loop, 'last')) else ''))
            l_1_loop = l_1_link = missing
            yield '</p>'
        yield '</section>\n'
    yield '<section aria-labelledby="h-steps">\n<h2 id="h-steps">Checklist</h2>\n<ol class="steps">\n'
    l_1_loop = missing
    for l_1_s, l_1_loop in LoopContext(environment.getattr((undefined(name='r') if l_0_r is missing else l_0_r), 'steps'), undefined):
        l_1_css_class = resolve('css_class')
        l_1_mark = resolve('mark')
        _loop_vars = {}
        pass
        yield '<li><article class="card '
        yield escape(environment.getitem((undefined(name='css_class') if l_1_css_class is missing else l_1_css_class), environment.getattr(l_1_s, 'status')))
        yield escape((' first' if t_5(l_1_s, (undefined(name='first') if l_0_first is missing else l_0_first)) else ''))
        yield '" id="'
        yield escape(environment.getattr(l_1_s, 'code'))
        yield '">\n<h3><span class="b '
        yield escape(environment.getitem((undefined(name='css_class') if l_1_css_class is missing else l_1_css_class), environment.getattr(l_1_s, 'status')))
        yield '">'
        yield escape(environment.getitem((undefined(name='mark') if l_1_mark is missing else l_1_mark), environment.getattr(l_1_s, 'status')))
        yield '</span> '
        yield escape(environment.getattr(l_1_s, 'code'))
        yield ' · '
        yield escape(environment.getattr(l_1_s, 'title'))
        yield '</h3>\n<p>'
        yield escape(environment.getattr(l_1_s, 'summary'))
        yield '</p>\n'
        if environment.getattr(l_1_s, 'details'):
            pass
            yield '<ul>'
            for l_2_line in environment.getattr(l_1_s, 'details'):
                _loop_vars = {}
                pass
                yield '<li>'
                yield escape(l_2_line)
                yield '</li>'
            l_2_line = missing
            yield '</ul>'
        l_2_loop = missing
        for l_2_c, l_2_loop in LoopContext(environment.getattr(l_1_s, 'causes'), undefined):
            _loop_vars = {}
            pass
            yield '<p>'
            yield escape(('Likely cause' if environment.getattr(l_2_loop, 'first') else 'Or'))
            yield ': <strong>'
            yield escape(environment.getattr(l_2_c, 'title'))
            yield '</strong> <small>('
            yield escape(environment.getattr(l_2_c, 'id'))
            yield '; fixed by: '
            yield escape(environment.getattr(l_2_c, 'who'))
            yield ')</small><br>Fix: '
            yield escape(environment.getattr(environment.getattr(l_2_c, 'fix'), 'summary'))
            yield '</p>\n'
        l_2_loop = l_2_c = missing
        if environment.getattr(l_1_s, 'evidence'):
            pass
            yield '<details><summary>Evidence ('
            yield escape(t_2(environment.getattr(l_1_s, 'evidence')))
            yield ' request'
            yield escape(('s' if (t_2(environment.getattr(l_1_s, 'evidence')) != 1) else ''))
            yield ')</summary>\n'
            for l_2_e in environment.getattr(l_1_s, 'evidence'):
                _loop_vars = {}
                pass
                yield '<pre>'
                yield escape(environment.getattr(l_2_e, 'method'))
                yield ' '
                yield escape(environment.getattr(l_2_e, 'url'))
                yield ' → '
                yield escape((environment.getattr(l_2_e, 'status') if (not t_4(environment.getattr(l_2_e, 'status'))) else (environment.getattr(environment.getattr(l_2_e, 'failure'), 'kind') if environment.getattr(l_2_e, 'failure') else 'no answer')))
                for (l_3_k, l_3_val) in context.call(environment.getattr(environment.getattr(l_2_e, 'headers'), 'items'), _loop_vars=_loop_vars):
                    _loop_vars = {}
                    pass
                    yield escape(l_3_k)
                    yield ': '
                    yield escape(l_3_val)
                l_3_k = l_3_val = missing
                if environment.getattr(l_2_e, 'failure'):
                    pass
                    yield escape(environment.getattr(environment.getattr(l_2_e, 'failure'), 'detail'))
                if environment.getattr(l_2_e, 'body'):
                    pass
                    yield '\n'
                    yield escape(environment.getattr(l_2_e, 'body'))
                yield '</pre>'
            l_2_e = missing
            yield '</details>\n'
        yield '</article></li>\n'
    l_1_loop = l_1_s = l_1_css_class = l_1_mark = missing
    yield '</ol>\n</section>\n<p class="sub">Knowledge: <code>'
    yield escape(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'knowledge'), 'file'))
    yield '</code> as of '
    yield escape(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'knowledge'), 'as_of'))
    yield '. The doctor makes read-only requests only; secrets are never shown.</p>\n</main>\n</body>\n</html>'

blocks = {}
debug_info = '6=48&9=50&10=52&14=54&15=58&16=64&18=112&19=120&23=128&24=130&27=134&28=145&29=147&30=155&36=175&37=181&38=186&39=194&40=196&41=208&42=212&44=223&45=226&46=230&47=242&48=248&50=252&57=259'
# Generated by `python -m auditor.report.precompiled` from templates/doctor.html.j2: do not edit.
