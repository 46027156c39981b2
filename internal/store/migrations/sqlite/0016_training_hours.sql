-- The hours a mentor spends on a training module, in quarter hours; 0 is
-- unknown. Confirmed modules' hours count as volunteer time in reports.
ALTER TABLE training_modules ADD COLUMN hours REAL NOT NULL DEFAULT 0;
