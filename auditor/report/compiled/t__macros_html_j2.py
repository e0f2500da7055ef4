from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_macros.html.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_evidence = l_0_docs = l_0_waiver_note = l_0_card = l_0_group = l_0_chart = missing
    try:
        t_1 = environment.filters['area']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'area' found.")
    try:
        t_2 = environment.filters['days']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'days' found.")
    try:
        t_3 = environment.filters['href']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'href' found.")
    try:
        t_4 = environment.filters['iso']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'iso' found.")
    try:
        t_5 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_6 = environment.filters['kind']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'kind' found.")
    try:
        t_7 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_8 = environment.filters['link_label']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'link_label' found.")
    try:
        t_9 = environment.filters['max']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No filter named 'max' found.")
    try:
        t_10 = environment.filters['sum']
    except KeyError:
        @internalcode
        def t_10(*unused):
            raise TemplateRuntimeError("No filter named 'sum' found.")
    try:
        t_11 = environment.filters['summaries']
    except KeyError:
        @internalcode
        def t_11(*unused):
            raise TemplateRuntimeError("No filter named 'summaries' found.")
    try:
        t_12 = environment.filters['ticks']
    except KeyError:
        @internalcode
        def t_12(*unused):
            raise TemplateRuntimeError("No filter named 'ticks' found.")
    try:
        t_13 = environment.filters['value_label']
    except KeyError:
        @internalcode
        def t_13(*unused):
            raise TemplateRuntimeError("No filter named 'value_label' found.")
    try:
        t_14 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_14(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    def macro(l_1_ev, l_1_age, l_1_after):
        t_15 = []
        if l_1_ev is missing:
            l_1_ev = undefined("parameter 'ev' was not provided", name='ev')
        if l_1_age is missing:
            l_1_age = undefined("parameter 'age' was not provided", name='age')
        if l_1_after is missing:
            l_1_after = False
        pass
        if t_14(environment.getattr(l_1_ev, 'source')):
            pass
            t_15.append(
                'not collected',
            )
        else:
            pass
            if (t_6(environment.getattr(l_1_ev, 'source')) == 'observed'):
                pass
                t_15.extend((
                    'observed via ',
                    escape(environment.getattr(l_1_ev, 'source')),
                ))
            elif environment.getattr(l_1_ev, 'by'):
                pass
                t_15.extend((
                    'attested by ',
                    escape(environment.getattr(l_1_ev, 'by')),
                ))
                if (environment.getattr(l_1_ev, 'source') != 'attested'):
                    pass
                    t_15.extend((
                        ' (',
                        escape(environment.getattr(l_1_ev, 'source')),
                        ')',
                    ))
            else:
                pass
                t_15.extend((
                    'attested (',
                    escape(environment.getattr(l_1_ev, 'source')),
                    ')',
                ))
            if environment.getattr(l_1_ev, 'at'):
                pass
                t_15.extend((
                    ', ',
                    escape(t_4(environment.getattr(l_1_ev, 'at'))),
                ))
            if l_1_after:
                pass
                t_15.append(
                    ' (<strong class="after">dated after the as-of time</strong>)',
                )
            elif (not t_14(l_1_age)):
                pass
                t_15.extend((
                    ' (',
                    escape(t_2(l_1_age)),
                    ' old)',
                ))
        return concat(t_15)
    context.exported_vars.add('evidence')
    context.vars['evidence'] = l_0_evidence = Macro(environment, macro, 'evidence', ('ev', 'age', 'after'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_r):
        t_16 = []
        if l_1_r is missing:
            l_1_r = undefined("parameter 'r' was not provided", name='r')
        pass
        t_16.append(
            '<p class="meta docs">Docs: ',
        )
        l_2_loop = missing
        for l_2_link, l_2_loop in LoopContext(environment.getattr(l_1_r, 'links'), undefined):
            l_2_h = missing
            _loop_vars = {}
            pass
            l_2_h = t_3(l_2_link)
            _loop_vars['h'] = l_2_h
            if (undefined(name='h') if l_2_h is missing else l_2_h):
                pass
                t_16.extend((
                    '<a href="',
                    escape((undefined(name='h') if l_2_h is missing else l_2_h)),
                    '">',
                    escape(t_8(l_2_link)),
                    '</a>',
                ))
            else:
                pass
                t_16.append(
                    escape(l_2_link),
                )
            t_16.append(
                escape((' · ' if (not environment.getattr(l_2_loop, 'last')) else '')),
            )
        l_2_loop = l_2_link = l_2_h = missing
        t_16.append(
            '</p>\n',
        )
        return concat(t_16)
    context.exported_vars.add('docs')
    context.vars['docs'] = l_0_docs = Macro(environment, macro, 'docs', ('r',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_c, l_1_named):
        t_17 = []
        l_1_w = resolve('w')
        l_1_f = missing
        if l_1_c is missing:
            l_1_c = undefined("parameter 'c' was not provided", name='c')
        if l_1_named is missing:
            l_1_named = undefined("parameter 'named' was not provided", name='named')
        pass
        l_1_f = environment.getattr(l_1_c, 'f')
        if environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'waiver'):
            pass
            t_17.extend((
                '<p class="waiver',
                escape((' soon' if environment.getattr(l_1_c, 'waiver_soon') else '')),
                '">',
            ))
            if (l_1_named and (not t_14(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')))):
                pass
                t_17.extend((
                    '<code>',
                    escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')),
                    '</code>: ',
                ))
            t_17.extend((
                'Waived (was ',
                escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'original_status')),
                '): ',
                escape(environment.getattr(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'waiver'), 'reason')),
                ' · approved by ',
                escape(environment.getattr(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'waiver'), 'approved_by')),
                ' · expires ',
                escape(environment.getattr(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'waiver'), 'expires')),
            ))
            if (not t_14(environment.getattr(l_1_c, 'waiver_days'))):
                pass
                t_17.append(
                    ' (',
                )
                if (environment.getattr(l_1_c, 'waiver_days') < 0):
                    pass
                    t_17.append(
                        'expired',
                    )
                elif (environment.getattr(l_1_c, 'waiver_days') == 0):
                    pass
                    t_17.append(
                        'today',
                    )
                else:
                    pass
                    t_17.extend((
                        'in ',
                        escape(environment.getattr(l_1_c, 'waiver_days')),
                        ' day',
                        escape(('s' if (environment.getattr(l_1_c, 'waiver_days') != 1) else '')),
                    ))
                t_17.append(
                    ')',
                )
            if environment.getattr(l_1_c, 'waiver_soon'):
                pass
                t_17.append(
                    ': renew or fix before it lapses',
                )
            t_17.extend((
                ' · <code>',
                escape(environment.getattr(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'waiver'), 'ref')),
                '</code></p>\n',
            ))
        if environment.getattr(l_1_c, 'expired_waiver'):
            pass
            l_1_w = environment.getattr(l_1_c, 'expired_waiver')
            t_17.append(
                '<p class="waiver lapsed">',
            )
            if (l_1_named and (not t_14(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')))):
                pass
                t_17.extend((
                    '<code>',
                    escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')),
                    '</code>: ',
                ))
            if (environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'why') == 'expired'):
                pass
                t_17.extend((
                    'Waiver expired ',
                    escape(environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'expires')),
                ))
            else:
                pass
                t_17.extend((
                    'Waiver with an unreadable expiry (',
                    escape(environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'expires')),
                    ')',
                ))
            t_17.extend((
                ', so it waives nothing: ',
                escape(environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'reason')),
                ' · approved by ',
                escape(environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'approved_by')),
                ' · <code>',
                escape(environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'ref')),
                '</code>. Fix the finding, or have ',
                escape(environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'approved_by')),
                ' renew the waiver with a new expiry.</p>\n',
            ))
        return concat(t_17)
    context.exported_vars.add('waiver_note')
    context.vars['waiver_note'] = l_0_waiver_note = Macro(environment, macro, 'waiver_note', ('c', 'named'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_g):
        t_18 = []
        l_1_step_of = resolve('step_of')
        l_1_v = resolve('v')
        l_1_fw_of = resolve('fw_of')
        l_1_f = l_1_r = l_1_one = l_1_n = l_1_exp = l_1_act = l_1_alike = l_1_sn = l_1_same = l_1_ref = missing
        if l_1_g is missing:
            l_1_g = undefined("parameter 'g' was not provided", name='g')
        pass
        l_1_f = environment.getattr(l_1_g, 'f')
        l_1_r = environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'remediation')
        l_1_one = environment.getattr(l_1_g, 'one')
        l_1_n = t_7(environment.getattr(l_1_g, 'items'))
        t_18.extend((
            '<article class="card ',
            escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'status')),
            '" id="c',
            escape(environment.getattr(l_1_g, 'k')),
            '" data-k="',
            escape(environment.getattr(l_1_g, 'k')),
            '">\n<h4><span class="b ',
            escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'status')),
            '">',
            escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'status')),
            '</span> <span class="b ',
            escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'severity')),
            '">',
            escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'severity')),
            '</span> ',
            escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'title')),
        ))
        if (undefined(name='one') if l_1_one is missing else l_1_one):
            pass
            if (not t_14(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject'))):
                pass
                t_18.extend((
                    ': <code>',
                    escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')),
                    '</code>',
                ))
        else:
            pass
            t_18.extend((
                ' (<span class="n">',
                escape((undefined(name='n') if l_1_n is missing else l_1_n)),
                '</span>)',
            ))
        t_18.append(
            '</h4>\n',
        )
        l_1_exp = context.call(environment.getattr(l_1_g, 'common'), 'expected')
        l_1_act = context.call(environment.getattr(l_1_g, 'common'), 'actual')
        t_18.extend((
            '<dl class="ea"><dt>Expected</dt><dd>',
            escape((t_12((undefined(name='exp') if l_1_exp is missing else l_1_exp)) if (not t_14((undefined(name='exp') if l_1_exp is missing else l_1_exp))) else 'differs per entry: see each entry')),
            '</dd><dt>Actual</dt><dd>',
            escape((t_12((undefined(name='act') if l_1_act is missing else l_1_act)) if (not t_14((undefined(name='act') if l_1_act is missing else l_1_act))) else 'differs per entry: see each entry')),
            '</dd></dl>\n',
        ))
        for l_2_c in environment.getattr(l_1_g, 'noted'):
            _loop_vars = {}
            pass
            t_18.append(
                escape(context.call((undefined(name='waiver_note') if l_0_waiver_note is missing else l_0_waiver_note), l_2_c, (not (undefined(name='one') if l_1_one is missing else l_1_one)), _loop_vars=_loop_vars)),
            )
        l_2_c = missing
        l_1_alike = ((undefined(name='one') if l_1_one is missing else l_1_one) or environment.getattr(l_1_g, 'alike'))
        t_18.append(
            '<p><strong>',
        )
        if (undefined(name='alike') if l_1_alike is missing else l_1_alike):
            pass
            t_18.append(
                escape(t_12(context.call(environment.getattr(l_1_g, 'generic'), environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'summary')))),
            )
        else:
            pass
            t_18.extend((
                'Each entry has its own advice, under How to fix. The first: ',
                escape(t_12(environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'summary'))),
            ))
        t_18.append(
            '</strong>',
        )
        l_1_sn = context.call(environment.getattr((undefined(name='step_of') if l_1_step_of is missing else l_1_step_of), 'get'), (environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'org'), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control'), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')))
        if (undefined(name='sn') if l_1_sn is missing else l_1_sn):
            pass
            t_18.extend((
                ' <a class="step" href="#s',
                escape((undefined(name='sn') if l_1_sn is missing else l_1_sn)),
                '">Step ',
                escape((undefined(name='sn') if l_1_sn is missing else l_1_sn)),
                ' of the plan</a>',
            ))
        t_18.append(
            '</p>\n',
        )
        if (undefined(name='one') if l_1_one is missing else l_1_one):
            pass
            if (not t_14(environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'value'))):
                pass
                t_18.extend((
                    '<p>',
                    escape(t_13(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control'))),
                    ': <code class="v">',
                    escape(environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'value')),
                    '</code><button type="button" class="copy">Copy</button></p>',
                ))
        elif environment.getattr(l_1_g, 'values'):
            pass
            t_18.extend((
                '<p>',
                escape(t_13(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control'))),
                ', each of the ',
                escape(t_7(environment.getattr(l_1_g, 'values'))),
                ', one a line: <code class="v vals" tabindex="0">',
                escape(environment.getattr(l_1_g, 'joined')),
                '</code><button type="button" class="copy">Copy all</button></p>\n',
            ))
        t_18.extend((
            '<p class="more"><button type="button" class="how" aria-expanded="false">How to fix',
            escape((', each entry' if (not (undefined(name='one') if l_1_one is missing else l_1_one)) else '')),
            escape((', YAML' if environment.getattr(l_1_g, 'snippet') else '')),
            '</button></p>\n<noscript><div class="how">\n',
        ))
        if (not (undefined(name='alike') if l_1_alike is missing else l_1_alike)):
            pass
            t_18.extend((
                '<ul class="todo">',
                escape(t_11(l_1_g)),
                '</ul>\n<p>Steps, for the first entry:</p>\n',
            ))
        l_1_same = context.call(environment.getattr(environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'same_steps'), 'get'), environment.getattr(l_1_g, 'k'))
        if (undefined(name='same') if l_1_same is missing else l_1_same):
            pass
            t_18.extend((
                '<p class="same">Steps and docs: as on <a href="#c',
                escape(environment.getitem((undefined(name='same') if l_1_same is missing else l_1_same), 0)),
                '">the card for ',
                escape(environment.getitem((undefined(name='same') if l_1_same is missing else l_1_same), 1)),
                '</a>.</p>\n',
            ))
        else:
            pass
            t_18.append(
                '<ol>',
            )
            for l_2_step in environment.getattr(l_1_g, 'steps'):
                _loop_vars = {}
                pass
                t_18.extend((
                    '<li>',
                    escape(t_12(l_2_step)),
                    '</li>',
                ))
            l_2_step = missing
            t_18.extend((
                '</ol>\n',
                escape(context.call((undefined(name='docs') if l_0_docs is missing else l_0_docs), (undefined(name='r') if l_1_r is missing else l_1_r))),
            ))
        l_1_ref = context.call(environment.getattr(l_1_g, 'common'), 'policy_ref')
        t_18.extend((
            '<p class="meta">',
            escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control')),
            ' · ',
            escape(t_1(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'area'))),
        ))
        if (undefined(name='ref') if l_1_ref is missing else l_1_ref):
            pass
            t_18.extend((
                ' · rule <code>',
                escape((undefined(name='ref') if l_1_ref is missing else l_1_ref)),
                '</code>',
            ))
        t_18.extend((
            ' · evidence ',
            escape(context.call((undefined(name='evidence') if l_0_evidence is missing else l_0_evidence), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'evidence'), environment.getattr(environment.getitem(environment.getattr(l_1_g, 'items'), 0), 'age'), environment.getattr(environment.getitem(environment.getattr(l_1_g, 'items'), 0), 'after_as_of'))),
        ))
        if context.call(environment.getattr((undefined(name='fw_of') if l_1_fw_of is missing else l_1_fw_of), 'get'), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control')):
            pass
            t_18.extend((
                ' · frameworks: ',
                escape(environment.getitem((undefined(name='fw_of') if l_1_fw_of is missing else l_1_fw_of), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control'))),
            ))
        t_18.append(
            '</p>\n',
        )
        if (not (undefined(name='one') if l_1_one is missing else l_1_one)):
            pass
            t_18.append(
                '<p class="meta">Each entry\'s details, and the YAML that would declare or accept them, need JavaScript.</p>',
            )
        t_18.append(
            '</div></noscript>\n</article>\n',
        )
        return concat(t_18)
    context.exported_vars.add('card')
    context.vars['card'] = l_0_card = Macro(environment, macro, 'card', ('g',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_g):
        t_19 = []
        l_1_cg = l_1_r = l_1_n = missing
        if l_1_g is missing:
            l_1_g = undefined("parameter 'g' was not provided", name='g')
        pass
        l_1_cg = environment.getattr(l_1_g, 'group')
        l_1_r = environment.getattr((undefined(name='cg') if l_1_cg is missing else l_1_cg), 'remediation')
        l_1_n = t_7(environment.getattr(l_1_g, 'items'))
        t_19.extend((
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
            escape(t_12(environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'summary'))),
            '</strong></p>\n<ol>',
        ))
        for l_2_step in environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'steps'):
            _loop_vars = {}
            pass
            t_19.extend((
                '<li>',
                escape(t_12(l_2_step)),
                '</li>',
            ))
        l_2_step = missing
        t_19.extend((
            '</ol>\n<p>It holds back ',
            escape(t_5(context.eval_ctx, environment.getattr((undefined(name='cg') if l_1_cg is missing else l_1_cg), 'controls'), ', ')),
            ':</p>\n<ul class="held">',
        ))
        for l_2_c in environment.getattr(l_1_g, 'items'):
            l_2_f = missing
            _loop_vars = {}
            pass
            l_2_f = environment.getattr(l_2_c, 'f')
            _loop_vars['f'] = l_2_f
            t_19.extend((
                '<li class="f" id="f',
                escape(environment.getattr(l_2_c, 'n')),
                '"><span class="b ',
                escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'severity')),
                '">',
                escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'severity')),
                '</span> ',
                escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'control')),
            ))
            if (not t_14(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'subject'))):
                pass
                t_19.extend((
                    ' <code>',
                    escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'subject')),
                    '</code>',
                ))
            t_19.extend((
                ', expected: ',
                escape(t_12(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'expected'))),
                '. <span class="meta">',
                escape(t_12(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'actual'))),
            ))
            if environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'policy_ref'):
                pass
                t_19.extend((
                    ' · rule <code>',
                    escape(environment.getattr((undefined(name='f') if l_2_f is missing else l_2_f), 'policy_ref')),
                    '</code>',
                ))
            if environment.getattr(l_2_c, 'expired_waiver'):
                pass
                t_19.extend((
                    ' · waiver expired ',
                    escape(environment.getattr(environment.getattr(l_2_c, 'expired_waiver'), 'expires')),
                    ' (<code>',
                    escape(environment.getattr(environment.getattr(l_2_c, 'expired_waiver'), 'ref')),
                    '</code>)',
                ))
            t_19.append(
                '</span></li>',
            )
        l_2_c = l_2_f = missing
        t_19.extend((
            '</ul>\n',
            escape(context.call((undefined(name='docs') if l_0_docs is missing else l_0_docs), (undefined(name='r') if l_1_r is missing else l_1_r))),
            '\n</article>\n',
        ))
        return concat(t_19)
    context.exported_vars.add('group')
    context.vars['group'] = l_0_group = Macro(environment, macro, 'group', ('g',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_ch):
        t_20 = []
        if l_1_ch is missing:
            l_1_ch = undefined("parameter 'ch' was not provided", name='ch')
        pass
        t_20.extend((
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
            t_20.extend((
                '<text x="0" y="',
                escape(((undefined(name='y') if l_2_y is missing else l_2_y) + 15)),
                '">',
                escape(environment.getattr(l_2_bar, 'label')),
                '</text>\n',
            ))
            for l_3_s in environment.getattr(l_2_bar, 'segments'):
                _loop_vars = {}
                pass
                t_20.extend((
                    '<rect class="s-',
                    escape(environment.getattr(l_3_s, 'status')),
                    '" x="',
                    escape((environment.getattr(l_1_ch, 'label_w') + environment.getattr(l_3_s, 'x'))),
                    '" y="',
                    escape(((undefined(name='y') if l_2_y is missing else l_2_y) + 3)),
                    '" width="',
                    escape(t_9(environment, [environment.getattr(l_3_s, 'w'), 1])),
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
            t_20.extend((
                '<text x="',
                escape(((environment.getattr(l_1_ch, 'label_w') + t_10(environment, environment.getattr(l_2_bar, 'segments'), attribute='w')) + 6)),
                '" y="',
                escape(((undefined(name='y') if l_2_y is missing else l_2_y) + 15)),
                '">',
                escape(environment.getattr(l_2_bar, 'total')),
                '</text>\n',
            ))
        l_2_loop = l_2_bar = l_2_y = missing
        t_20.append(
            '</svg>\n</figure>\n',
        )
        return concat(t_20)
    context.exported_vars.add('chart')
    context.vars['chart'] = l_0_chart = Macro(environment, macro, 'chart', ('ch',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=96&3=105&6=160&7=169&10=200&11=209&12=210&13=214&15=270&16=272&17=276&25=311&26=320&27=321&28=322&29=323&30=326&31=332&32=361&33=365&34=370&35=377&36=381&37=408&38=410&39=419&40=423&42=432&46=436&49=443&50=444&51=458&52=469&53=471&54=474&55=498&60=510&62=516&63=517&64=518&65=521&66=527&67=539&68=542&69=553&70=556&71=607&75=614&77=621&78=625&79=637&80=641&81=645&82=650&83=675'
# Generated by `python -m auditor.report.precompiled` from templates/_macros.html.j2: do not edit.
