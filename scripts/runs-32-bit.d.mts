export function runs32BitPrograms(): { ok: true } | { ok: false; why: string };
