import { describe, it, expect, vi } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import SkillAutocomplete from './SkillAutocomplete.svelte';
import type { Skill } from '../lib/types';

const SKILLS: Skill[] = [
  { slug: 'computer-vision', label: 'Computer vision', domain: 'ai', alt_labels: ['image recognition', 'CV'] },
  { slug: 'computational-photography', label: 'Computational photography', domain: 'ai' },
  { slug: 'heritage-conservation', label: 'Heritage conservation', domain: 'cci', alt_labels: ['restoration'] },
];
const search = (q: string) => Promise.resolve(SKILLS.filter((s) =>
  [s.label, ...(s.alt_labels ?? [])].some((l) => l.toLowerCase().includes(q.toLowerCase()))));

function setup(extra: Record<string, unknown> = {}) {
  const onselect = vi.fn();
  render(SkillAutocomplete, { props: { id: 'sk', label: 'Add a skill', search, onselect, delay: 0, ...extra } });
  return { onselect, input: screen.getByRole('combobox', { name: 'Add a skill' }) };
}

describe('SkillAutocomplete', () => {
  it('is a labelled, collapsed combobox at first', () => {
    const { input } = setup();
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect(input).toHaveAttribute('aria-autocomplete', 'list');
  });

  it('shows suggestions as options and marks the first active', async () => {
    const { input } = setup();
    await fireEvent.input(input, { target: { value: 'comp' } });
    await waitFor(() => expect(input).toHaveAttribute('aria-expanded', 'true'));
    const opts = screen.getAllByRole('option');
    expect(opts.map((o) => o.textContent)).toEqual([expect.stringContaining('Computer vision'), expect.stringContaining('Computational photography')]);
    expect(input).toHaveAttribute('aria-activedescendant', 'sk-opt-computer-vision');
    expect(opts[0]).toHaveAttribute('aria-selected', 'true');
  });

  it('moves with arrows and chooses with Enter, then clears', async () => {
    const { input, onselect } = setup();
    await fireEvent.input(input, { target: { value: 'comp' } });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(input).toHaveAttribute('aria-activedescendant', 'sk-opt-computational-photography');
    await fireEvent.keyDown(input, { key: 'ArrowDown' }); // wraps
    expect(input).toHaveAttribute('aria-activedescendant', 'sk-opt-computer-vision');
    await fireEvent.keyDown(input, { key: 'ArrowUp' });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(onselect).toHaveBeenCalledWith(SKILLS[1]);
    expect(input).toHaveValue('');
    expect(input).toHaveAttribute('aria-expanded', 'false');
  });

  it('finds skills by synonym and shows which synonym matched', async () => {
    const { input } = setup();
    await fireEvent.input(input, { target: { value: 'restor' } });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    expect(screen.getByRole('option').textContent).toContain('restoration');
  });

  it('closes on Escape without choosing, and a second Escape clears the text', async () => {
    const { input, onselect } = setup();
    await fireEvent.input(input, { target: { value: 'comp' } });
    await waitFor(() => expect(input).toHaveAttribute('aria-expanded', 'true'));
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect(input).toHaveValue('comp');
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(input).toHaveValue('');
    expect(onselect).not.toHaveBeenCalled();
  });

  it('leaves out skills already chosen', async () => {
    const { input } = setup({ exclude: ['computer-vision'] });
    await fireEvent.input(input, { target: { value: 'comp' } });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    expect(screen.getByRole('option').textContent).toContain('Computational photography');
  });

  it('says when nothing is found', async () => {
    const { input } = setup();
    await fireEvent.input(input, { target: { value: 'zzz' } });
    await waitFor(() => expect(screen.getAllByText('No skill found. Try another word.').length).toBeGreaterThan(0));
  });

  it('drops an answer that arrives after a newer one', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => { release = r; });
    const racing = vi.fn(async (q: string) => {
      if (q === 'c') { await slow; return [SKILLS[2]]; }
      return search(q);
    });
    const { input } = setup({ search: racing });
    await fireEvent.input(input, { target: { value: 'c' } });
    await fireEvent.input(input, { target: { value: 'comp' } });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.getAllByRole('option')).toHaveLength(2);
    expect(screen.queryByText('Heritage conservation')).toBeNull();
  });

  it('chooses with the mouse', async () => {
    const { input, onselect } = setup();
    await fireEvent.input(input, { target: { value: 'herit' } });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    await fireEvent.mouseDown(screen.getByRole('option'));
    expect(onselect).toHaveBeenCalledWith(SKILLS[2]);
  });
});
