/** An error the app raises itself, already worded for people in both languages. */
export interface Bilingual {
  zh: string;
  en: string;
}

export class AppError extends Error {
  constructor(readonly bilingual: Bilingual) {
    super(bilingual.en);
  }
}
