import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { NotificationRenderer, RenderedNotification } from '../application/ports';
import { type Locale, localeOf, locales } from '../domain/customer-contact';
import type { Amount, NotificationModel, NotificationType } from '../domain/notification';
import { notificationTypes } from '../domain/notification';

/**
 * Where the templates are: services/notifications/templates from the sources, and beside the bundle
 * (dist/<bundle>/templates, copied by tools/bundle-service.ts) in an image.
 */
export function defaultTemplatesDir(): string {
  const candidates = [join(__dirname, 'templates'), join(__dirname, '..', '..', 'templates')];
  return candidates.find((dir) => existsSync(join(dir, 'layout.html.hbs'))) ?? (candidates[1] as string);
}

interface Strings {
  footer: string;
  reasons: Record<string, string>;
}

type Compiled = (context: object) => string;

interface TemplateSet {
  subject: Compiled;
  text: Compiled;
  html: Compiled;
}

const fileOf = (type: NotificationType) => `${type.replace(/(?<=.)([A-Z])/g, '-$1').toLowerCase()}.hbs`;
const sectionMarker = /^\{\{!-- (subject|text|html) --\}\}\r?\n/m;

/**
 * Renders notifications with Handlebars from the files in `templates/<locale>/<type>.hbs`, each with a subject,
 * a text and an HTML section (and `layout.html.hbs` around the HTML). The HTML escapes every value (`{{name}}`
 * of `<script>` is `&lt;script&gt;`); the subject and the text are plain text and are not escaped. Every
 * template is compiled at start, so a missing or broken one stops the service rather than a send.
 */
export class HandlebarsRenderer implements NotificationRenderer {
  private readonly templates = new Map<string, TemplateSet>();
  private readonly strings = new Map<Locale, Strings>();
  private readonly layout: Compiled;

  constructor(templatesDir: string = defaultTemplatesDir()) {
    const handlebars = Handlebars.create();
    // `money` needs the locale: each render passes it in the context as `@root.locale`.
    handlebars.registerHelper(
      'money',
      function money(this: unknown, amount: Amount, options: Handlebars.HelperOptions) {
        return formatMoney(amount, (options.data as { root: { locale: Locale } }).root.locale);
      },
    );
    const compile = (source: string, escapesHtml: boolean) =>
      handlebars.compile(source, { noEscape: !escapesHtml, strict: false, knownHelpersOnly: false });
    this.layout = compile(readFileSync(join(templatesDir, 'layout.html.hbs'), 'utf8'), true);
    for (const locale of locales) {
      this.strings.set(locale, JSON.parse(readFileSync(join(templatesDir, locale, 'strings.json'), 'utf8')) as Strings);
      for (const type of notificationTypes) {
        const path = join(templatesDir, locale, fileOf(type));
        const sections = sectionsOf(readFileSync(path, 'utf8'), path);
        const set: TemplateSet = {
          subject: compile(sections.subject, false),
          text: compile(sections.text, false),
          html: compile(sections.html, true),
        };
        // Compile now: Handlebars compiles lazily, and a syntax error should stop the start, not a send.
        for (const template of Object.values(set)) template({ locale });
        this.templates.set(`${locale}/${type}`, set);
      }
    }
  }

  render(type: NotificationType, customerLocale: string | null, model: NotificationModel): RenderedNotification {
    const locale = localeOf(customerLocale);
    const set = this.templates.get(`${locale}/${type}`) as TemplateSet;
    const strings = this.strings.get(locale) as Strings;
    const context = {
      ...model,
      locale,
      reason: model.failureReason ? (strings.reasons[model.failureReason] ?? model.failureReason) : '',
    };
    // A subject is one header line: whatever a value holds, no line break gets into it.
    const subject = set.subject(context).replace(/\s+/g, ' ').trim();
    const content = set.html(context).trim();
    return {
      subject,
      text: `${set.text(context).trim()}\n\n-- \n${strings.footer}\n`,
      html: this.layout({ locale, subject, content, footer: strings.footer }),
    };
  }
}

function sectionsOf(source: string, path: string): Record<'subject' | 'text' | 'html', string> {
  const parts = source.split(sectionMarker);
  const sections: Partial<Record<string, string>> = {};
  for (let i = 1; i + 1 < parts.length; i += 2) sections[parts[i] as string] = parts[i + 1];
  const { subject, text, html } = sections;
  if (subject === undefined || text === undefined || html === undefined) {
    throw new Error(`${path} needs a subject, a text and an html section`);
  }
  return { subject, text, html };
}

/** `{amount: 1999, currency: 'EUR'}` in the customer's way of writing money: €19.99, 19,99 €. */
export function formatMoney(amount: Amount, locale: Locale): string {
  const { format, minorUnits } = moneyFormatOf(locale, amount.currency);
  return format.format(amount.amount / minorUnits);
}

// Building an Intl.NumberFormat costs ~100 times what formatting with it does (1.3% of the embedded platform's CPU
// under the orders bench, one per amount in every email): one per locale and currency, kept.
const moneyFormats = new Map<string, { format: Intl.NumberFormat; minorUnits: number }>();

function moneyFormatOf(locale: Locale, currency: string): { format: Intl.NumberFormat; minorUnits: number } {
  const key = `${locale} ${currency}`;
  let entry = moneyFormats.get(key);
  if (!entry) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    entry = { format, minorUnits: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
    moneyFormats.set(key, entry);
  }
  return entry;
}
