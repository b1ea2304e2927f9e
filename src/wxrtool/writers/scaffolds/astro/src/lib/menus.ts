// written by wxrtool: WordPress's navigation menus (src/menus.json, when the export has some),
// each entry at the new site's address.
export interface MenuEntry {
  id: number;
  title: string;
  url: string;
  new_window: boolean;
  children: MenuEntry[];
}

export interface Menu {
  slug: string;
  name: string;
  items: MenuEntry[];
}

const found = import.meta.glob<Menu[]>("../menus.json", { eager: true, import: "default" });

export const menus: Menu[] = Object.values(found)[0] ?? [];
