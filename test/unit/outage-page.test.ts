import { describe, expect, it } from 'vitest';
import { approvalOutagePage, preferredLanguage } from '../../client/http/pages/outage-page';

describe("the approver's outage page", () => {
  it('orders Polish and English by the browser, Polish when it names neither', () => {
    expect(preferredLanguage(undefined)).toBeNull();
    expect(preferredLanguage('de-DE,de;q=0.9')).toBeNull();
    expect(preferredLanguage('pl-PL,pl;q=0.9,en;q=0.8')).toBe('pl');
    expect(preferredLanguage('en-GB,en;q=0.9,pl;q=0.5')).toBe('en');
    expect(preferredLanguage('de;q=1, pl;q=0.4, en;q=0.7')).toBe('en');
    expect(preferredLanguage('en;q=0, pl;q=0.1')).toBe('pl');
    expect(preferredLanguage('EN-us')).toBe('en');
  });

  it('says in both languages that the decision could not be confirmed and the link stays valid, keeps the comment escaped, and has no script', () => {
    const html = approvalOutagePage({ moment: 'decide', first: 'pl', comment: '<script>x</script>\nline two' });
    expect(html.indexOf('lang="pl"')).toBeLessThan(html.indexOf('<section lang="en">'));
    expect(html).toContain('<html lang="pl">');
    expect(html).toContain('Nie udało się potwierdzić Twojej decyzji');
    expect(html).toContain('Link pozostaje ważny');
    expect(html).toContain('Your decision could not be confirmed');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;<br>line two');
    expect(html).not.toMatch(/<script/i);
    const english = approvalOutagePage({ moment: 'open', first: 'en' });
    expect(english.indexOf('<section lang="en">')).toBeLessThan(english.indexOf('<section lang="pl">'));
    expect(english).toContain('cannot show this request or record a decision now');
    expect(english).not.toContain('Your comment');
  });
});
