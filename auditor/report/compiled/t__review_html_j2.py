from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_review.html.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_context = resolve('context')
    l_0_review = resolve('review')
    l_0_d = resolve('d')
    l_0_notable = resolve('notable')
    l_0_moved = resolve('moved')
    l_0_still = resolve('still')
    l_0_rows = resolve('rows')
    try:
        t_1 = environment.filters['iso']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'iso' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_3 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_4 = environment.filters['rejectattr']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'rejectattr' found.")
    try:
        t_5 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_6 = environment.filters['trend_svg']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'trend_svg' found.")
    try:
        t_7 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    if ((not t_7(environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'review'))) and ((not t_7(environment.getattr(environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'review'), 'diff'))) or environment.getattr(environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'review'), 'trends'))):
        pass
        l_0_review = environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'review')
        context.vars['review'] = l_0_review
        context.exported_vars.add('review')
        yield '<section id="since-last-review" class="review" aria-labelledby="since-last-review-h">\n<h2 id="since-last-review-h">'
        yield escape(environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'heading'))
        yield '</h2>\n'
        if (not t_7(environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'diff'))):
            pass
            l_0_d = environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'diff')
            context.vars['d'] = l_0_d
            context.exported_vars.add('d')
            yield '<p>Compared with the run as of '
            yield escape(t_1(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'old'), 'as_of')))
            if environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'previous_name'):
                pass
                yield ' (<code>'
                yield escape(environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'previous_name'))
                yield '</code>)'
            yield '; a waiver counts as expiring within '
            yield escape(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'expiring_days'))
            yield ' days.</p>\n<div class="wide" role="group" tabindex="0" aria-label="Changes by kind"><table class="counts"><thead><tr>'
            for (l_1_c, l_1_n) in context.call(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'counts'), 'items')):
                _loop_vars = {}
                pass
                yield '<th scope="col" class="c-'
                yield escape(l_1_c)
                yield '">'
                yield escape(l_1_c)
                yield '</th>'
            l_1_c = l_1_n = missing
            yield '</tr></thead>\n<tbody><tr>'
            for (l_1_c, l_1_n) in context.call(environment.getattr(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'counts'), 'items')):
                _loop_vars = {}
                pass
                yield '<td>'
                yield escape(l_1_n)
                yield '</td>'
            l_1_c = l_1_n = missing
            yield '</tr></tbody></table></div>\n'
            l_0_notable = environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'notable')
            context.vars['notable'] = l_0_notable
            context.exported_vars.add('notable')
            l_0_moved = t_3(context.eval_ctx, t_4(context, (undefined(name='notable') if l_0_notable is missing else l_0_notable), 'change', 'equalto', 'still-failing'))
            context.vars['moved'] = l_0_moved
            context.exported_vars.add('moved')
            l_0_still = t_3(context.eval_ctx, t_5(context, (undefined(name='notable') if l_0_notable is missing else l_0_notable), 'change', 'equalto', 'still-failing'))
            context.vars['still'] = l_0_still
            context.exported_vars.add('still')
            def macro(l_1_items):
                t_8 = []
                if l_1_items is missing:
                    l_1_items = undefined("parameter 'items' was not provided", name='items')
                pass
                t_8.append(
                    '<div class="wide" role="group" tabindex="0" aria-label="Changes"><table class="changes"><thead><tr><th scope="col">change</th><th scope="col">org</th><th scope="col">control</th><th scope="col">subject</th><th scope="col">was → now</th><th scope="col">note</th></tr></thead>\n<tbody>\n',
                )
                for l_2_c in l_1_items[:environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'row_limit')]:
                    _loop_vars = {}
                    pass
                    t_8.extend((
                        '<tr><td class="change c-',
                        escape(environment.getattr(l_2_c, 'change')),
                        '">',
                        escape(environment.getattr(l_2_c, 'change')),
                        '</td><td>',
                        escape((environment.getattr(l_2_c, 'org_name') or environment.getattr(l_2_c, 'org'))),
                        '</td><td class="control">',
                        escape(environment.getattr(l_2_c, 'control')),
                        '</td><td>',
                    ))
                    if (not t_7(environment.getattr(l_2_c, 'subject'))):
                        pass
                        t_8.extend((
                            '<code>',
                            escape(environment.getattr(l_2_c, 'subject')),
                            '</code>',
                        ))
                    else:
                        pass
                        t_8.append(
                            '—',
                        )
                    t_8.extend((
                        '</td><td>',
                        escape((environment.getattr(l_2_c, 'old_status') or 'none')),
                        ' → ',
                        escape((environment.getattr(l_2_c, 'new_status') or 'none')),
                    ))
                    if ((not t_7(environment.getattr(l_2_c, 'old_actual'))) or (not t_7(environment.getattr(l_2_c, 'new_actual')))):
                        pass
                        t_8.extend((
                            '<div class="actual"><span>was: ',
                            escape((environment.getattr(l_2_c, 'old_actual') if (not t_7(environment.getattr(l_2_c, 'old_actual'))) else '—')),
                            '</span><span>now: ',
                            escape((environment.getattr(l_2_c, 'new_actual') if (not t_7(environment.getattr(l_2_c, 'new_actual'))) else '—')),
                            '</span></div>',
                        ))
                    t_8.extend((
                        '</td><td>',
                        escape((environment.getattr(l_2_c, 'note') or '')),
                        '</td></tr>\n',
                    ))
                l_2_c = missing
                t_8.append(
                    '</tbody></table></div>\n',
                )
                if (t_2(l_1_items) > environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'row_limit')):
                    pass
                    t_8.extend((
                        '<p>… and ',
                        escape((t_2(l_1_items) - environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'row_limit'))),
                        ' more: <code>rovo-audit diff</code> lists them all.</p>',
                    ))
                return concat(t_8)
            context.exported_vars.add('rows')
            context.vars['rows'] = l_0_rows = Macro(environment, macro, 'rows', ('items',), False, False, False, context.eval_ctx.autoescape)
            if (undefined(name='moved') if l_0_moved is missing else l_0_moved):
                pass
                yield escape(context.call((undefined(name='rows') if l_0_rows is missing else l_0_rows), (undefined(name='moved') if l_0_moved is missing else l_0_moved)))
            else:
                pass
                yield '<p>Nothing was fixed, regressed, added or removed since that run.</p>'
            if (undefined(name='still') if l_0_still is missing else l_0_still):
                pass
                yield '<details class="still"><summary>'
                yield escape(t_2((undefined(name='still') if l_0_still is missing else l_0_still)))
                yield ' still failing since that run</summary>\n'
                yield escape(context.call((undefined(name='rows') if l_0_rows is missing else l_0_rows), (undefined(name='still') if l_0_still is missing else l_0_still)))
                yield '\n</details>\n'
        else:
            pass
            yield '<p>No earlier run in the history could be read for a comparison.</p>\n'
        if environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'trends'):
            pass
            yield '<h3>Trend: fail, unknown and waived, per org</h3>\n<div class="trends">\n'
            for l_1_t in environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'trends'):
                _loop_vars = {}
                pass
                yield '<figure>'
                yield escape(t_6(l_1_t))
                yield '<figcaption>'
                yield escape((environment.getattr(l_1_t, 'name') or environment.getattr(l_1_t, 'org')))
                yield ': '
                yield escape(environment.getattr(l_1_t, 'direction'))
                yield ' over '
                yield escape(t_2(environment.getattr(l_1_t, 'points')))
                yield ' runs\n<details><summary>numbers</summary><table><thead><tr><th scope="col">as of</th><th scope="col">fail</th><th scope="col">unknown</th><th scope="col">waived</th></tr></thead><tbody>\n'
                for l_2_p in environment.getattr(l_1_t, 'points'):
                    _loop_vars = {}
                    pass
                    yield '<tr><td>'
                    yield escape(environment.getattr(l_2_p, 'label'))
                    yield '</td><td>'
                    yield escape(environment.getattr(environment.getattr(l_2_p, 'counts'), 'fail'))
                    yield '</td><td>'
                    yield escape(environment.getattr(environment.getattr(l_2_p, 'counts'), 'unknown'))
                    yield '</td><td>'
                    yield escape(environment.getattr(environment.getattr(l_2_p, 'counts'), 'waived'))
                    yield '</td></tr>'
                l_2_p = missing
                yield '</tbody></table></details></figcaption></figure>\n'
            l_1_t = missing
            yield '</div>\n'
        if environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'skipped'):
            pass
            yield '<p><small>Unreadable history entries skipped: '
            l_1_loop = missing
            for l_1_s, l_1_loop in LoopContext(environment.getattr((undefined(name='review') if l_0_review is missing else l_0_review), 'skipped'), undefined):
                _loop_vars = {}
                pass
                yield '<code>'
                yield escape(l_1_s)
                yield '</code>'
                if (not environment.getattr(l_1_loop, 'last')):
                    pass
                    yield ', '
            l_1_loop = l_1_s = missing
            yield '</small></p>'
        yield '</section>\n'

blocks = {}
debug_info = '5=60&6=62&8=66&9=68&10=70&11=74&12=83&13=93&14=101&15=104&16=107&17=110&20=118&21=123&24=168&26=178&27=184&28=187&29=189&35=194&38=197&39=201&41=209&46=225'
# Generated by `python -m auditor.report.precompiled` from templates/_review.html.j2: do not edit.
