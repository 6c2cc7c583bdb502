/** The console's sections, in the order of its navigation bar. */
const SECTIONS = [
  { id: 'clients', label: 'Clients', href: '/console/clients' },
  { id: 'apis', label: 'APIs', href: '/console/apis' },
  { id: 'users', label: 'Users', href: '/console/users' },
  { id: 'audit', label: 'Audit log', href: '/console/audit' },
  { id: 'keys', label: 'Signing keys', href: '/console/keys' },
] as const;

export type ConsoleSection = (typeof SECTIONS)[number]['id'];

/** The navigation bar, the current section marked (aria-current). */
export function consoleNav(current: ConsoleSection) {
  return SECTIONS.map((section) => ({ ...section, current: section.id === current }));
}
