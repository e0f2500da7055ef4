from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_card.html.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_docs = l_0_evidence = l_0_waiver_note = l_0_card = missing
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
        t_3 = environment.filters['iso']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'iso' found.")
    try:
        t_4 = environment.filters['kind']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'kind' found.")
    try:
        t_5 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_6 = environment.filters['ticks']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'ticks' found.")
    try:
        t_7 = environment.filters['value_label']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'value_label' found.")
    try:
        t_8 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    included_template = environment.get_template('_macros.html.j2', '_card.html.j2')._get_default_module(context)
    l_0_docs = getattr(included_template, 'docs', missing)
    if l_0_docs is missing:
        l_0_docs = undefined(f"the template {included_template.__name__!r} (imported on line 5 in '_card.html.j2') does not export the requested name 'docs'", name='docs')
    context.vars['docs'] = l_0_docs
    context.exported_vars.discard('docs')
    def macro(l_1_ev, l_1_age, l_1_after):
        t_9 = []
        if l_1_ev is missing:
            l_1_ev = undefined("parameter 'ev' was not provided", name='ev')
        if l_1_age is missing:
            l_1_age = undefined("parameter 'age' was not provided", name='age')
        if l_1_after is missing:
            l_1_after = False
        pass
        if t_8(environment.getattr(l_1_ev, 'source')):
            pass
            t_9.append(
                'not collected',
            )
        else:
            pass
            if (t_4(environment.getattr(l_1_ev, 'source')) == 'observed'):
                pass
                t_9.extend((
                    'observed via ',
                    escape(environment.getattr(l_1_ev, 'source')),
                ))
            elif environment.getattr(l_1_ev, 'by'):
                pass
                t_9.extend((
                    'attested by ',
                    escape(environment.getattr(l_1_ev, 'by')),
                ))
                if (environment.getattr(l_1_ev, 'source') != 'attested'):
                    pass
                    t_9.extend((
                        ' (',
                        escape(environment.getattr(l_1_ev, 'source')),
                        ')',
                    ))
            else:
                pass
                t_9.extend((
                    'attested (',
                    escape(environment.getattr(l_1_ev, 'source')),
                    ')',
                ))
            if environment.getattr(l_1_ev, 'at'):
                pass
                t_9.extend((
                    ', ',
                    escape(t_3(environment.getattr(l_1_ev, 'at'))),
                ))
            if l_1_after:
                pass
                t_9.append(
                    ' (<strong class="after">dated after the as-of time</strong>)',
                )
            elif (not t_8(l_1_age)):
                pass
                t_9.extend((
                    ' (',
                    escape(t_2(l_1_age)),
                    ' old)',
                ))
        return concat(t_9)
    context.exported_vars.add('evidence')
    context.vars['evidence'] = l_0_evidence = Macro(environment, macro, 'evidence', ('ev', 'age', 'after'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_c, l_1_named):
        t_10 = []
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
            t_10.extend((
                '<p class="waiver',
                escape((' soon' if environment.getattr(l_1_c, 'waiver_soon') else '')),
                '">',
            ))
            if (l_1_named and (not t_8(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')))):
                pass
                t_10.extend((
                    '<code>',
                    escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')),
                    '</code>: ',
                ))
            t_10.extend((
                'Waived (was ',
                escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'original_status')),
                '): ',
                escape(environment.getattr(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'waiver'), 'reason')),
                ' · approved by ',
                escape(environment.getattr(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'waiver'), 'approved_by')),
                ' · expires ',
                escape(environment.getattr(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'waiver'), 'expires')),
            ))
            if (not t_8(environment.getattr(l_1_c, 'waiver_days'))):
                pass
                t_10.append(
                    ' (',
                )
                if (environment.getattr(l_1_c, 'waiver_days') < 0):
                    pass
                    t_10.append(
                        'expired',
                    )
                elif (environment.getattr(l_1_c, 'waiver_days') == 0):
                    pass
                    t_10.append(
                        'today',
                    )
                else:
                    pass
                    t_10.extend((
                        'in ',
                        escape(environment.getattr(l_1_c, 'waiver_days')),
                        ' day',
                        escape(('s' if (environment.getattr(l_1_c, 'waiver_days') != 1) else '')),
                    ))
                t_10.append(
                    ')',
                )
            if environment.getattr(l_1_c, 'waiver_soon'):
                pass
                t_10.append(
                    ': renew or fix before it lapses',
                )
            t_10.extend((
                ' · <code>',
                escape(environment.getattr(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'waiver'), 'ref')),
                '</code></p>\n',
            ))
        if environment.getattr(l_1_c, 'expired_waiver'):
            pass
            l_1_w = environment.getattr(l_1_c, 'expired_waiver')
            t_10.append(
                '<p class="waiver lapsed">',
            )
            if (l_1_named and (not t_8(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')))):
                pass
                t_10.extend((
                    '<code>',
                    escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')),
                    '</code>: ',
                ))
            if (environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'why') == 'expired'):
                pass
                t_10.extend((
                    'Waiver expired ',
                    escape(environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'expires')),
                ))
            else:
                pass
                t_10.extend((
                    'Waiver with an unreadable expiry (',
                    escape(environment.getattr((undefined(name='w') if l_1_w is missing else l_1_w), 'expires')),
                    ')',
                ))
            t_10.extend((
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
        return concat(t_10)
    context.exported_vars.add('waiver_note')
    context.vars['waiver_note'] = l_0_waiver_note = Macro(environment, macro, 'waiver_note', ('c', 'named'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_g):
        t_11 = []
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
        l_1_n = t_5(environment.getattr(l_1_g, 'items'))
        t_11.extend((
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
            if (not t_8(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject'))):
                pass
                t_11.extend((
                    ': <code>',
                    escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')),
                    '</code>',
                ))
        else:
            pass
            t_11.extend((
                ' (<span class="n">',
                escape((undefined(name='n') if l_1_n is missing else l_1_n)),
                '</span>)',
            ))
        t_11.append(
            '</h4>\n',
        )
        l_1_exp = context.call(environment.getattr(l_1_g, 'common'), 'expected')
        l_1_act = context.call(environment.getattr(l_1_g, 'common'), 'actual')
        t_11.extend((
            '<dl class="ea"><dt>Expected</dt><dd>',
            escape((t_6((undefined(name='exp') if l_1_exp is missing else l_1_exp)) if (not t_8((undefined(name='exp') if l_1_exp is missing else l_1_exp))) else 'differs per entry: see each entry')),
            '</dd><dt>Actual</dt><dd>',
            escape((t_6((undefined(name='act') if l_1_act is missing else l_1_act)) if (not t_8((undefined(name='act') if l_1_act is missing else l_1_act))) else 'differs per entry: see each entry')),
            '</dd></dl>\n',
        ))
        for l_2_c in environment.getattr(l_1_g, 'noted'):
            _loop_vars = {}
            pass
            t_11.append(
                escape(context.call((undefined(name='waiver_note') if l_0_waiver_note is missing else l_0_waiver_note), l_2_c, (not (undefined(name='one') if l_1_one is missing else l_1_one)), _loop_vars=_loop_vars)),
            )
        l_2_c = missing
        l_1_alike = ((undefined(name='one') if l_1_one is missing else l_1_one) or environment.getattr(l_1_g, 'alike'))
        t_11.append(
            '<p><strong>',
        )
        if (undefined(name='alike') if l_1_alike is missing else l_1_alike):
            pass
            t_11.append(
                escape(t_6(context.call(environment.getattr(l_1_g, 'generic'), environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'summary')))),
            )
        else:
            pass
            t_11.extend((
                'Each entry has its own advice, under How to fix. The first: ',
                escape(t_6(environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'summary'))),
            ))
        t_11.append(
            '</strong>',
        )
        l_1_sn = context.call(environment.getattr((undefined(name='step_of') if l_1_step_of is missing else l_1_step_of), 'get'), (environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'org'), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control'), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'subject')))
        if (undefined(name='sn') if l_1_sn is missing else l_1_sn):
            pass
            t_11.extend((
                ' <a class="step" href="#s',
                escape((undefined(name='sn') if l_1_sn is missing else l_1_sn)),
                '">Step ',
                escape((undefined(name='sn') if l_1_sn is missing else l_1_sn)),
                ' of the plan</a>',
            ))
        t_11.append(
            '</p>\n',
        )
        if (undefined(name='one') if l_1_one is missing else l_1_one):
            pass
            if (not t_8(environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'value'))):
                pass
                t_11.extend((
                    '<p>',
                    escape(t_7(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control'))),
                    ': <code class="v">',
                    escape(environment.getattr((undefined(name='r') if l_1_r is missing else l_1_r), 'value')),
                    '</code><button type="button" class="copy">Copy</button></p>',
                ))
        elif environment.getattr(l_1_g, 'values'):
            pass
            t_11.extend((
                '<p>',
                escape(t_7(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control'))),
                ', each of the ',
                escape(t_5(environment.getattr(l_1_g, 'values'))),
                ', one a line: <code class="v vals" tabindex="0">',
                escape(environment.getattr(l_1_g, 'joined')),
                '</code><button type="button" class="copy">Copy all</button></p>\n',
            ))
        t_11.extend((
            '<p class="more"><button type="button" class="how" aria-expanded="false">How to fix',
            escape((', each entry' if (not (undefined(name='one') if l_1_one is missing else l_1_one)) else '')),
            escape((', YAML' if environment.getattr(l_1_g, 'snippet') else '')),
            '</button></p>\n<noscript><div class="how">\n',
        ))
        if (not (undefined(name='alike') if l_1_alike is missing else l_1_alike)):
            pass
            t_11.append(
                '<ul class="todo">',
            )
            for l_2_c in environment.getattr(l_1_g, 'items'):
                _loop_vars = {}
                pass
                t_11.extend((
                    '<li>',
                    escape(t_6(environment.getattr(environment.getattr(environment.getattr(l_2_c, 'f'), 'remediation'), 'summary'))),
                    '</li>',
                ))
            l_2_c = missing
            t_11.append(
                '</ul>\n<p>Steps, for the first entry:</p>\n',
            )
        l_1_same = context.call(environment.getattr(environment.getattr((undefined(name='v') if l_1_v is missing else l_1_v), 'same_steps'), 'get'), environment.getattr(l_1_g, 'k'))
        if (undefined(name='same') if l_1_same is missing else l_1_same):
            pass
            t_11.extend((
                '<p class="same">Steps and docs: as on <a href="#c',
                escape(environment.getitem((undefined(name='same') if l_1_same is missing else l_1_same), 0)),
                '">the card for ',
                escape(environment.getitem((undefined(name='same') if l_1_same is missing else l_1_same), 1)),
                '</a>.</p>\n',
            ))
        else:
            pass
            t_11.append(
                '<ol>',
            )
            for l_2_step in environment.getattr(l_1_g, 'steps'):
                _loop_vars = {}
                pass
                t_11.extend((
                    '<li>',
                    escape(t_6(l_2_step)),
                    '</li>',
                ))
            l_2_step = missing
            t_11.extend((
                '</ol>\n',
                escape(context.call((undefined(name='docs') if l_0_docs is missing else l_0_docs), (undefined(name='r') if l_1_r is missing else l_1_r))),
            ))
        l_1_ref = context.call(environment.getattr(l_1_g, 'common'), 'policy_ref')
        t_11.extend((
            '<p class="meta">',
            escape(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control')),
            ' · ',
            escape(t_1(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'area'))),
        ))
        if (undefined(name='ref') if l_1_ref is missing else l_1_ref):
            pass
            t_11.extend((
                ' · rule <code>',
                escape((undefined(name='ref') if l_1_ref is missing else l_1_ref)),
                '</code>',
            ))
        t_11.extend((
            ' · evidence ',
            escape(context.call((undefined(name='evidence') if l_0_evidence is missing else l_0_evidence), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'evidence'), environment.getattr(environment.getitem(environment.getattr(l_1_g, 'items'), 0), 'age'), environment.getattr(environment.getitem(environment.getattr(l_1_g, 'items'), 0), 'after_as_of'))),
        ))
        if context.call(environment.getattr((undefined(name='fw_of') if l_1_fw_of is missing else l_1_fw_of), 'get'), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control')):
            pass
            t_11.extend((
                ' · frameworks: ',
                escape(environment.getitem((undefined(name='fw_of') if l_1_fw_of is missing else l_1_fw_of), environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'control'))),
            ))
        t_11.append(
            '</p>\n',
        )
        if (not (undefined(name='one') if l_1_one is missing else l_1_one)):
            pass
            t_11.append(
                '<p class="meta">Each entry\'s details, and the YAML that would declare or accept them, need JavaScript.</p>',
            )
        t_11.append(
            '</div></noscript>\n</article>\n',
        )
        return concat(t_11)
    context.exported_vars.add('card')
    context.vars['card'] = l_0_card = Macro(environment, macro, 'card', ('g',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '5=60&6=66&7=75&10=130&11=139&12=140&13=144&15=200&16=202&17=206&22=241&23=250&24=251&25=252&26=253&27=256&28=262&29=291&30=295&31=300&32=307&33=311&34=338&35=340&36=349&37=353&39=362&43=366&46=383&47=384&48=398&49=409&50=411&51=414&52=438'
# Generated by `python -m auditor.report.precompiled` from templates/_card.html.j2: do not edit.
