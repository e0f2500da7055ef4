from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_macros.html.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_docs = l_0_group = l_0_chart = missing
    try:
        t_1 = environment.filters['href']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'href' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_4 = environment.filters['link_label']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'link_label' found.")
    try:
        t_5 = environment.filters['max']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'max' found.")
    try:
        t_6 = environment.filters['sum']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'sum' found.")
    try:
        t_7 = environment.filters['ticks']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'ticks' found.")
    try:
        t_8 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    yield '\n'
    def macro(l_1_r):
        t_9 = []
        if l_1_r is missing:
            l_1_r = undefined("parameter 'r' was not provided", name='r')
        pass
        t_9.append(
            '<p class="meta docs">Docs: ',
        )
        l_2_loop = missing
        for l_2_link, l_2_loop in LoopContext(environment.getattr(l_1_r, 'links'), undefined):
            l_2_h = missing
            _loop_vars = {}
            pass
            l_2_h = t_1(l_2_link)
            _loop_vars['h'] = l_2_h
            if (undefined(name='h') if l_2_h is missing else l_2_h):
                pass
                t_9.extend((
                    '<a href="',
                    escape((undefined(name='h') if l_2_h is missing else l_2_h)),
                    '">',
                    escape(t_4(l_2_link)),
                    '</a>',
                ))
            else:
                pass
                t_9.append(
                    escape(l_2_link),
                )
            t_9.append(
                escape((' · ' if (not environment.getattr(l_2_loop, 'last')) else '')),
            )
        l_2_loop = l_2_link = l_2_h = missing
        t_9.append(
            '</p>\n',
        )
        return concat(t_9)
    context.exported_vars.add('docs')
    context.vars['docs'] = l_0_docs = Macro(environment, macro, 'docs', ('r',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_g):
        t_10 = []
        l_1_cg = l_1_r = l_1_n = missing
        if l_1_g is missing:
            l_1_g = undefined("parameter 'g' was not provided", name='g')
        pass
        l_1_cg = environment.getattr(l_1_g, 'group')
        l_1_r = environment.getattr((undefined(name='cg') if l_1_cg is missing else l_1_cg), 'remediation')
        l_1_n = t_3(environment.getattr(l_1_g, 'items'))
        t_10.extend((
            '<article class="card unknown fs" id="c',
            escape(environment.getattr(l_1_g, 'k')),
            '" data-k="',
            escape(environment.getattr(l_1_g, 'k')),
            '" data-section="',
            escape(environment.getattr((undefined(name='cg') if l_1_cg is missing else l_1_cg), 'section')),
            '">\n<h4><span class="b unknown">unknown</span> <span class="b ',
            escape(environment.getattr((undefined(name='cg') if l_1_cg is missing else l_1_cg), 'severity')),
            '">',
            escape(environment.getattr((undefined(name='cg') if l_1_cg is missing else l_1_cg), 'severity')),
            '</span> Not (fully) collected: ',
            escape(environment.getattr((undefined(name='cg') if l_1_cg is missing else l_1_cg), 'label')),
            ' (<code>',
            escape(environment.getattr((undefined(name='cg') if l_1_cg is missing else l_1_cg), 'section')),
            '</code>), so ',
            escape((undefined(name='n') if l_1_n is missing else l_1_n)),
            ' check',
            escape(('s' if ((undefined(name='n') if l_1_n is missing else l_1_n) != 1) else '')),
            ' cannot be judged</h4>\n<p><strong>',
            escape(t_7(environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'summary'))),
            '</strong></p>\n<ol>',
        ))
        for l_2_step in environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'steps'):
            _loop_vars = {}
            pass
            t_10.extend((
                '<li>',
                escape(t_7(l_2_step)),
                '</li>',
            ))
        l_2_step = missing
        t_10.extend((
            '</ol>\n<p>It holds back ',
            escape(t_2(context.eval_ctx, environment.getattr((undefined(name='cg') if l_1_cg is missing else l_1_cg), 'controls'), ', ')),
            ':</p>\n<ul class="held">',
        ))
        for l_2_c in environment.getattr(l_1_g, 'items'):
            l_2_f = missing
            _loop_vars = {}
            pass
            l_2_f = environment.getattr(l_2_c, 'f')
            _loop_vars['f'] = l_2_f
            t_10.extend((
                '<li class="f" id="f',
                escape(environment.getattr(l_2_c, 'n')),
                '"><span class="b ',
                escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'severity')),
                '">',
                escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'severity')),
                '</span> ',
                escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'control')),
            ))
            if (not t_8(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'subject'))):
                pass
                t_10.extend((
                    ' <code>',
                    escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'subject')),
                    '</code>',
                ))
            t_10.extend((
                ', expected: ',
                escape(t_7(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'expected'))),
                '. <span class="meta">',
                escape(t_7(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'actual'))),
            ))
            if environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'policy_ref'):
                pass
                t_10.extend((
                    ' · rule <code>',
                    escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'policy_ref')),
                    '</code>',
                ))
            if environment.getattr(l_2_c, 'expired_waiver'):
                pass
                t_10.extend((
                    ' · waiver expired ',
                    escape(environment.getattr(environment.getattr(l_2_c, 'expired_waiver'), 'expires')),
                    ' (<code>',
                    escape(environment.getattr(environment.getattr(l_2_c, 'expired_waiver'), 'ref')),
                    '</code>)',
                ))
            t_10.append(
                '</span></li>',
            )
        l_2_c = l_2_f = missing
        t_10.extend((
            '</ul>\n',
            escape(context.call((undefined(name='docs') if l_0_docs is missing else l_0_docs), (undefined(name='r') if l_1_r is missing else l_1_r))),
            '\n</article>\n',
        ))
        return concat(t_10)
    context.exported_vars.add('group')
    context.vars['group'] = l_0_group = Macro(environment, macro, 'group', ('g',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_ch):
        t_11 = []
        if l_1_ch is missing:
            l_1_ch = undefined("parameter 'ch' was not provided", name='ch')
        pass
        t_11.extend((
            '<figure>\n<figcaption id="',
            escape(environment.getattr(l_1_ch, 'id')),
            '">',
            escape(environment.getattr(l_1_ch, 'title')),
            '</figcaption>\n<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="',
            escape(environment.getattr(l_1_ch, 'id')),
            '" width="',
            escape(environment.getattr(l_1_ch, 'width')),
            '" height="',
            escape(environment.getattr(l_1_ch, 'height')),
            '" viewBox="0 0 ',
            escape(environment.getattr(l_1_ch, 'width')),
            ' ',
            escape(environment.getattr(l_1_ch, 'height')),
            '">\n',
        ))
        l_2_loop = missing
        for l_2_bar, l_2_loop in LoopContext(environment.getattr(l_1_ch, 'bars'), undefined):
            l_2_y = missing
            _loop_vars = {}
            pass
            l_2_y = ((environment.getattr(l_2_loop, 'index0') * environment.getattr(l_1_ch, 'row_h')) + 2)
            _loop_vars['y'] = l_2_y
            t_11.extend((
                '<text x="0" y="',
                escape(((undefined(name='y') if l_2_y is missing else l_2_y) + 15)),
                '">',
                escape(environment.getattr(l_2_bar, 'label')),
                '</text>\n',
            ))
            for l_3_s in environment.getattr(l_2_bar, 'segments'):
                _loop_vars = {}
                pass
                t_11.extend((
                    '<rect class="s-',
                    escape(environment.getattr(l_3_s, 'status')),
                    '" x="',
                    escape((environment.getattr(l_1_ch, 'label_w') + environment.getattr(l_3_s, 'x'))),
                    '" y="',
                    escape(((undefined(name='y') if l_2_y is missing else l_2_y) + 3)),
                    '" width="',
                    escape(t_5(environment, [environment.getattr(l_3_s, 'w'), 1])),
                    '" height="',
                    escape((environment.getattr(l_1_ch, 'row_h') - 6)),
                    '"><title>',
                    escape(environment.getattr(l_2_bar, 'label')),
                    ': ',
                    escape(environment.getattr(l_3_s, 'n')),
                    ' ',
                    escape(environment.getattr(l_3_s, 'status')),
                    '</title></rect>',
                ))
            l_3_s = missing
            t_11.extend((
                '<text x="',
                escape(((environment.getattr(l_1_ch, 'label_w') + t_6(environment, environment.getattr(l_2_bar, 'segments'), attribute='w')) + 6)),
                '" y="',
                escape(((undefined(name='y') if l_2_y is missing else l_2_y) + 15)),
                '">',
                escape(environment.getattr(l_2_bar, 'total')),
                '</text>\n',
            ))
        l_2_loop = l_2_bar = l_2_y = missing
        t_11.append(
            '</svg>\n</figure>\n',
        )
        return concat(t_11)
    context.exported_vars.add('chart')
    context.vars['chart'] = l_0_chart = Macro(environment, macro, 'chart', ('ch',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '3=61&4=70&7=101&9=107&10=108&11=109&12=112&13=118&14=130&15=133&16=144&17=147&18=198&22=205&24=212&25=216&26=228&27=232&28=236&29=241&30=266'
# Generated by `python -m auditor.report.precompiled` from templates/_macros.html.j2: do not edit.
