# stevedore.conf: a sequence of statements. A statement is a name and zero or more arguments,
# ended by ';' or by a block of statements in braces (a ';' after the '}' is allowed).
# Unambiguous by construction: there is no empty statement, so the optional ';' after a block
# can only belong to that block. parse.ts fails loudly if nearley ever finds two parses.
#
# Regenerate grammar.ts with `npm run grammar`; never edit it by hand
# (test/stevedore/config/grammar.test.ts checks that it matches this file).

@preprocessor typescript

@{%
import { lexer } from './lexer.js';
import * as p from './postprocessors.js';
%}

@lexer lexer

file       -> statements                          {% p.file %}

statements -> null                                {% p.empty %}
            | statements statement                {% p.append %}

statement  -> %word arguments %semicolon          {% p.simpleStatement %}
            | %word arguments block               {% p.blockStatement %}
            | %word arguments block %semicolon    {% p.blockStatement %}

block      -> %lbrace statements %rbrace          {% p.block %}

arguments  -> null                                {% p.empty %}
            | arguments argument                  {% p.append %}

argument   -> %word                               {% p.argument %}
            | %number                             {% p.argument %}
            | %string                             {% p.argument %}
