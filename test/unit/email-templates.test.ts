import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../mail/templates';

describe('email templates', () => {
  it('render an approval request as HTML and text, escaping what users typed', () => {
    const email = renderEmail('approval-request', {
      partyName: 'Dyrektor <b>ZSZ</b>',
      applicationTitle: 'K2 & partners',
      subject: 'ZSZ Wodzisław',
      what: 'including the K2 module',
      deadline: '2030-03-15T15:00:00.000Z',
      link: 'https://k2.example.pl/approvals/abc.def',
    }, 'en');
    expect(email.subject).toBe('Sign-off requested: K2 & partners — ZSZ Wodzisław');
    expect(email.html).toContain('Dyrektor &lt;b&gt;ZSZ&lt;/b&gt;');
    expect(email.html).toContain('K2 &amp; partners');
    expect(email.text).toContain('https://k2.example.pl/approvals/abc.def');
    expect(email.text).toContain('Friday, 15 March 2030 at 16:00 (Warsaw time)');
  });

  it('speak Polish unless the recipient chose English', () => {
    const props = { partyName: 'Dyrektor', applicationTitle: 'K2', subject: 'ZSZ Wodzisław', what: 'moduł K2', deadline: '2030-03-15T15:00:00.000Z', link: 'https://k2.example.pl/approvals/a.b' };
    const pl = renderEmail('approval-request', props);
    expect(pl.subject).toBe('Prośba o akceptację: K2 — ZSZ Wodzisław');
    expect(pl.text).toContain('Termin: piątek, 15 marca 2030');
    expect(pl.text).toContain('(czasu warszawskiego)');
    expect(pl.html).toContain('<html lang="pl">');
    expect(renderEmail('approval-request', props, 'en').subject).toBe('Sign-off requested: K2 — ZSZ Wodzisław');
    const closed = renderEmail('application-closed', { coordinatorName: 'Biuro', applicationTitle: 'K2', status: 'withdrawn', units: [] });
    expect(closed.subject).toBe('Wniosek wycofany: K2');
  });

  it('greet in Polish as an office writes, and name the application once where the step concerns all of it', () => {
    const board = { partyName: 'Jan Kowalski', applicationTitle: 'Przydział ZIT 2027', subject: 'Przydział ZIT 2027', what: 'podział środków', deadline: '2030-03-15T15:00:00.000Z', link: 'https://k2.example.pl/approvals/a.b' };
    const pl = renderEmail('approval-request', board);
    expect(pl.subject).toBe('Prośba o akceptację: Przydział ZIT 2027');
    expect(pl.text).toContain('Szanowna Pani / Szanowny Panie,');
    expect(pl.text).not.toContain('Szanowni Państwo Jan');
    expect(pl.text).not.toContain('Dotyczy');
    expect(renderEmail('approval-request', board, 'en').text).toContain('Dear Jan Kowalski,');
    expect(renderEmail('decision-recorded', { ...board, ask: 'podział', decision: 'approved', decidedAt: '2030-03-14T10:00:00.000Z', comment: null, services: null, late: false }).subject).toBe('Decyzja zapisana: Przydział ZIT 2027');
  });

  it("tell the coordinator each outcome in words, and lead to the application's page", () => {
    const props = { coordinatorName: 'Anna Nowak', applicationTitle: 'K2', status: 'submitted', units: [{ name: 'ZSZ Wodzisław', outcome: 'succeeded' }, { name: 'CKZiU Rybnik', outcome: 'declined' }], page: 'https://k2.example.pl/applications/app-1' };
    const pl = renderEmail('application-closed', props);
    expect(pl.subject).toBe('Wniosek złożony: K2');
    expect(pl.text).toContain('- ZSZ Wodzisław: zakończona pomyślnie\n- CKZiU Rybnik: zrezygnowała');
    expect(pl.html).toContain('<a href="https://k2.example.pl/applications/app-1">Otwórz stronę wniosku');
    const en = renderEmail('application-closed', props, 'en');
    expect(en.subject).toBe('Application submitted: K2');
    expect(en.text).toContain('- CKZiU Rybnik: declined');
    const missed = renderEmail('deadline-missed', { coordinatorName: 'Anna', applicationId: 'app-1', unitKey: 'zs-1', subject: 'ZSZ', ask: 'moduł', deadline: '2030-03-15T15:00:00.000Z', missing: ['Dyrektor'], canProceed: true, escalation: 2, page: props.page });
    expect(missed.subject).toBe('Minął termin (przypomnienie 2): ZSZ');
    expect(missed.text).toContain(`Otwórz stronę wniosku (tam są wszystkie działania):\n${props.page}`);
    expect(missed.text).toContain('Możliwe działania (albo w wierszu poleceń):\n- przedłużyć termin: k2flow extend app-1 --unit zs-1');
  });

  it('refuse props that do not fit the template', () => {
    expect(() => renderEmail('approval-request', { partyName: 'x' } as never)).toThrow();
  });
});
