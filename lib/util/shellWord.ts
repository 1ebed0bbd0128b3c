/**
 * One word for a POSIX shell, as an operator would paste it. Names in fix commands come from
 * labels any container can set (a compose project called `x; rm -rf ~`): a word that is not
 * plainly safe goes in single quotes, inside which the shell expands nothing.
 */
export function shellWord(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
