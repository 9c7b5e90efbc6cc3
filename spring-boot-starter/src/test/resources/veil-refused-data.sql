INSERT INTO visits (id, name, notes) VALUES (2, 'Grace', upper('secret words'));
